//! Structured Field Values (RFC 8941), just enough to read Permissions-Policy (a dictionary) and the
//! Cross-Origin-*-Policy headers (an item), failing where the RFC says parsing fails, as browsers do.

/// A bare item.
#[derive(Debug, Clone, PartialEq)]
pub enum Bare {
    Number(String),
    String(String),
    Token(String),
    Bytes(String),
    Boolean(bool),
}

/// A dictionary member's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    Item(Bare),
    InnerList(Vec<Bare>),
}

/// Parameters of an item or inner list.
pub type Params = Vec<(String, Bare)>;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += usize::from(hit);
        hit
    }

    fn skip(&mut self, chars: &[u8]) {
        while self.peek().is_some_and(|c| chars.contains(&c)) {
            self.i += 1;
        }
    }

    fn take_while(&mut self, ok: impl Fn(u8) -> bool) -> String {
        let start = self.i;
        while self.peek().is_some_and(&ok) {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn key(&mut self) -> Option<String> {
        let first = self.peek()?;
        if !(first.is_ascii_lowercase() || first == b'*') {
            return None;
        }
        Some(
            self.take_while(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || b"_-.*".contains(&c)
            }),
        )
    }

    fn bare(&mut self) -> Option<Bare> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => self.number(),
            b'"' => self.string(),
            b':' => {
                self.i += 1;
                let b64 = self.take_while(|c| c.is_ascii_alphanumeric() || b"+/=".contains(&c));
                self.eat(b':').then_some(Bare::Bytes(b64))
            }
            b'?' => {
                self.i += 1;
                let v = self.peek()?;
                self.i += 1;
                matches!(v, b'0' | b'1').then_some(Bare::Boolean(v == b'1'))
            }
            c if c.is_ascii_alphabetic() || c == b'*' => {
                Some(Bare::Token(self.take_while(|c| {
                    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~:/".contains(&c)
                })))
            }
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Bare> {
        let negative = self.eat(b'-');
        let int = self.take_while(|c| c.is_ascii_digit());
        if int.is_empty() {
            return None;
        }
        let text = if self.eat(b'.') {
            let frac = self.take_while(|c| c.is_ascii_digit());
            (int.len() <= 12 && (1..=3).contains(&frac.len())).then(|| format!("{int}.{frac}"))?
        } else {
            (int.len() <= 15).then_some(int)?
        };
        Some(Bare::Number(if negative {
            format!("-{text}")
        } else {
            text
        }))
    }

    fn string(&mut self) -> Option<Bare> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return Some(Bare::String(out)),
                b'\\' => {
                    let next = self.peek().filter(|n| matches!(n, b'"' | b'\\'))?;
                    self.i += 1;
                    out.push(char::from(next));
                }
                0x20..=0x7e => out.push(char::from(c)),
                _ => return None,
            }
        }
    }

    fn params(&mut self) -> Option<Params> {
        let mut params = Vec::new();
        while self.eat(b';') {
            self.skip(b" ");
            let key = self.key()?;
            let value = if self.eat(b'=') {
                self.bare()?
            } else {
                Bare::Boolean(true)
            };
            params.push((key, value));
        }
        Some(params)
    }

    fn member(&mut self) -> Option<Member> {
        if !self.eat(b'(') {
            let item = self.bare()?;
            self.params()?;
            return Some(Member::Item(item));
        }
        let mut items = Vec::new();
        loop {
            self.skip(b" ");
            if self.eat(b')') {
                self.params()?;
                return Some(Member::InnerList(items));
            }
            items.push(self.bare()?);
            self.params()?;
            if !matches!(self.peek()?, b' ' | b')') {
                return None;
            }
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip(b" ");
        self.i == self.s.len()
    }
}

fn parser(input: &str) -> Option<Parser<'_>> {
    input
        .is_ascii()
        .then_some(Parser {
            s: input.as_bytes(),
            i: 0,
        })
        .map(|mut p| {
            p.skip(b" ");
            p
        })
}

/// Parses a structured field item: a bare item and its parameters.
pub fn parse_item(input: &str) -> Option<(Bare, Params)> {
    let mut p = parser(input)?;
    let item = p.bare()?;
    let params = p.params()?;
    p.at_end().then_some((item, params))
}

/// Parses a structured field dictionary (a later member of the same name replaces an earlier one).
pub fn parse_dictionary(input: &str) -> Option<Vec<(String, Member)>> {
    let mut p = parser(input)?;
    let mut out: Vec<(String, Member)> = Vec::new();
    while !p.at_end() {
        let key = p.key()?;
        let member = if p.eat(b'=') {
            p.member()?
        } else {
            p.params()?;
            Member::Item(Bare::Boolean(true))
        };
        out.retain(|(k, _)| *k != key);
        out.push((key, member));
        p.skip(b" \t");
        if p.i == p.s.len() {
            break;
        }
        if !p.eat(b',') {
            return None;
        }
        p.skip(b" \t");
        if p.i == p.s.len() {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_tokens_with_parameters() {
        assert_eq!(
            parse_item("same-origin").unwrap().0,
            Bare::Token("same-origin".into())
        );
        let (item, params) = parse_item(r#"require-corp; report-to="default""#).unwrap();
        assert_eq!(item, Bare::Token("require-corp".into()));
        assert_eq!(
            params,
            vec![("report-to".into(), Bare::String("default".into()))]
        );
        assert_eq!(
            parse_item(r#""same-origin""#).unwrap().0,
            Bare::String("same-origin".into())
        );
        for bad in [
            "same-origin, unsafe-none",
            "same origin",
            "",
            "'same-origin'",
            "same-origin;",
        ] {
            assert_eq!(parse_item(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn permissions_policy_dictionaries() {
        let d =
            parse_dictionary(r#"camera=(), geolocation=(self "https://maps.test"), fullscreen=*"#)
                .unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0], ("camera".into(), Member::InnerList(vec![])));
        assert_eq!(
            d[1].1,
            Member::InnerList(vec![
                Bare::Token("self".into()),
                Bare::String("https://maps.test".into())
            ])
        );
        assert_eq!(d[2].1, Member::Item(Bare::Token("*".into())));
        assert!(parse_dictionary("interest-cohort=()").is_some());
        assert!(parse_dictionary("").unwrap().is_empty());
        for bad in [
            "camera 'none'; microphone 'none'",
            "camera=(), ",
            "Camera=()",
            "camera=(self",
            "geolocation=(self,https://a.test)",
        ] {
            assert_eq!(parse_dictionary(bad), None, "{bad:?}");
        }
    }
}
