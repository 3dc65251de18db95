//! The DSL's tokenizer: numbers, quoted strings, names (Nuclei's hyphenated ones included), and operators, each
//! with the column it starts at so errors can say where.

use super::DslError;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(f64),
    Str(String),
    Name(String),
    Bool(bool),
    LParen,
    RParen,
    Comma,
    Op(&'static str),
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    /// 1-based column (in characters) where the token starts.
    pub col: usize,
}

/// Longest first, so `&&` is not read as two `&`.
const OPERATORS: &[&str] = &[
    "&&", "||", "==", "!=", "<=", ">=", "=~", "!~", "<<", ">>", "**", "??", "+", "-", "*", "/",
    "%", "<", ">", "!", "&", "|", "^", "~", "?", ":",
];

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, DslError> {
    let chars: Vec<char> = src.chars().collect();
    let mut lexer = Lexer {
        chars,
        pos: 0,
        out: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    out: Vec<Token>,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.out.push(Token {
            tok,
            col: start + 1,
        });
    }

    fn run(&mut self) -> Result<(), DslError> {
        while let Some(c) = self.peek(0) {
            let start = self.pos;
            match c {
                c if c.is_whitespace() => self.pos += 1,
                '(' | ')' | ',' => {
                    self.pos += 1;
                    let tok = match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        _ => Tok::Comma,
                    };
                    self.push(tok, start);
                }
                '"' | '\'' => {
                    let s = self.string(c)?;
                    self.push(Tok::Str(s), start);
                }
                '[' => {
                    let name = self.bracketed()?;
                    self.push(Tok::Name(name), start);
                }
                c if c.is_ascii_digit()
                    || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) =>
                {
                    let n = self.number()?;
                    self.push(Tok::Num(n), start);
                }
                c if c.is_alphabetic() || c == '_' => {
                    let name = self.name();
                    let tok = match name.as_str() {
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        _ => Tok::Name(name),
                    };
                    self.push(tok, start);
                }
                _ => {
                    let op = self.operator()?;
                    self.push(Tok::Op(op), start);
                }
            }
        }
        Ok(())
    }

    fn err(&self, msg: impl std::fmt::Display, col0: usize) -> DslError {
        DslError(format!("{msg} at column {}", col0 + 1))
    }

    fn operator(&mut self) -> Result<&'static str, DslError> {
        for op in OPERATORS {
            let len = op.chars().count();
            if op.chars().enumerate().all(|(i, c)| self.peek(i) == Some(c)) {
                self.pos += len;
                return Ok(op);
            }
        }
        let c = self.peek(0).unwrap_or(' ');
        if c == '=' {
            return Err(self.err("unexpected '=' (comparison is '==')", self.pos));
        }
        Err(self.err(format_args!("unexpected character {c:?}"), self.pos))
    }

    /// A name: letters, digits, `_` and `.`, plus a `-` directly between two name characters when the one after it
    /// is a letter or `_` (`interactsh-url`); `a - b` and `code-1` stay subtractions.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek(0) {
            let joins = c == '-' && self.peek(1).is_some_and(|n| n.is_alphabetic() || n == '_');
            if c.is_alphanumeric() || c == '_' || c == '.' || joins {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    /// govaluate's `[any name]` form for names with spaces or operators in them.
    fn bracketed(&mut self) -> Result<String, DslError> {
        let start = self.pos;
        self.pos += 1;
        let mut name = String::new();
        loop {
            match self.peek(0) {
                None => return Err(self.err("unclosed '['", start)),
                Some(']') => {
                    self.pos += 1;
                    return Ok(name);
                }
                Some(c) => {
                    name.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn number(&mut self) -> Result<f64, DslError> {
        let start = self.pos;
        if self.peek(0) == Some('0') && matches!(self.peek(1), Some('x' | 'X')) {
            self.pos += 2;
            let mut hex = String::new();
            while let Some(c) = self.peek(0).filter(char::is_ascii_hexdigit) {
                hex.push(c);
                self.pos += 1;
            }
            return u64::from_str_radix(&hex, 16)
                .map(|n| n as f64)
                .map_err(|_| self.err(format_args!("bad hex number '0x{hex}'"), start));
        }
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            let exponent_sign = matches!(c, '+' | '-') && text.ends_with(['e', 'E']);
            if c.is_ascii_digit()
                || c == '.'
                || exponent_sign
                || (matches!(c, 'e' | 'E') && self.exponent_follows())
            {
                text.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        text.parse::<f64>()
            .map_err(|_| self.err(format_args!("bad number '{text}'"), start))
    }

    /// Whether the `e` at the cursor starts an exponent (`2e3`, `2e-3`) rather than a name after the number.
    fn exponent_follows(&self) -> bool {
        match self.peek(1) {
            Some(d) if d.is_ascii_digit() => true,
            Some('+' | '-') => self.peek(2).is_some_and(|d| d.is_ascii_digit()),
            _ => false,
        }
    }

    /// A quoted string. `\n`, `\r`, `\t`, `\\` and escaped quotes are decoded; any other backslash is kept, so a
    /// regex written `"\d+"` and one written `"\\d+"` both reach the regex engine as `\d+`.
    fn string(&mut self, quote: char) -> Result<String, DslError> {
        let start = self.pos;
        self.pos += 1;
        let mut s = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(self.err("unterminated string", start));
            };
            self.pos += 1;
            if c == quote {
                return Ok(s);
            }
            if c != '\\' {
                s.push(c);
                continue;
            }
            let Some(next) = self.peek(0) else {
                return Err(self.err("unterminated string", start));
            };
            self.pos += 1;
            match next {
                'n' => s.push('\n'),
                'r' => s.push('\r'),
                't' => s.push('\t'),
                '\\' | '"' | '\'' => s.push(next),
                other => {
                    s.push('\\');
                    s.push(other);
                }
            }
        }
    }
}
