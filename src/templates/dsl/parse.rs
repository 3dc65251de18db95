//! The DSL's parser: tokens to a syntax tree, with govaluate's operator precedence, a depth limit, and function
//! names and argument counts checked up front so a template with a typo fails when it loads, not when it matches.

use super::funcs::{self, Spec};
use super::lex::{Tok, Token};
use super::value::Val;
use super::{DslError, MAX_DEPTH};

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Lit(Val),
    Var(String),
    Call(&'static Spec, Vec<Node>),
    Unary(&'static str, Box<Node>),
    Binary(&'static str, Box<Node>, Box<Node>),
    /// `a && b && c`, kept flat so long chains of matchers do not make a deep tree.
    And(Vec<Node>),
    Or(Vec<Node>),
    Ternary(Box<Node>, Box<Node>, Box<Node>),
    Coalesce(Box<Node>, Box<Node>),
}

/// A parsed node with the height of its tree, which the depth limit bounds.
type Parsed = (Node, usize);

/// Binary operator levels from loosest to tightest (below `&&`); govaluate's order.
const LEVELS: &[&[&str]] = &[
    &["==", "!=", "<", "<=", ">", ">=", "=~", "!~"],
    &["&", "|", "^"],
    &["<<", ">>"],
    &["+", "-"],
    &["*", "/", "%"],
    &["**"],
];

pub(crate) struct Tree {
    pub root: Node,
    pub variables: Vec<String>,
    pub functions: Vec<String>,
}

pub(crate) fn parse(tokens: Vec<Token>) -> Result<Tree, DslError> {
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        variables: Vec::new(),
        functions: Vec::new(),
    };
    if p.tokens.is_empty() {
        return Err(DslError("empty expression".to_string()));
    }
    let (root, _) = p.ternary()?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(DslError(format!(
            "unexpected {} at column {}",
            describe(&t.tok),
            t.col
        )));
    }
    Ok(Tree {
        root,
        variables: p.variables,
        functions: p.functions,
    })
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Num(n) => format!("number {}", super::value::format_num(*n)),
        Tok::Str(s) => format!("string {s:?}"),
        Tok::Name(n) => format!("name '{n}'"),
        Tok::Bool(b) => format!("'{b}'"),
        Tok::LParen => "'('".to_string(),
        Tok::RParen => "')'".to_string(),
        Tok::Comma => "','".to_string(),
        Tok::Op(op) => format!("'{op}'"),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    variables: Vec<String>,
    functions: Vec<String>,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.peek() {
            Some(Tok::Op(op)) => Some(op),
            _ => None,
        }
    }

    fn err_here(&self, what: &str) -> DslError {
        match self.tokens.get(self.pos) {
            Some(t) => DslError(format!(
                "{what}, found {} at column {}",
                describe(&t.tok),
                t.col
            )),
            None => DslError(format!("{what}, found the end of the expression")),
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), DslError> {
        if self.peek() == Some(tok) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err_here(&format!("expected {what}")))
        }
    }

    /// Guards every recursive descent, so `((((...` or `!!!!...` cannot exhaust the stack.
    fn enter(&mut self) -> Result<(), DslError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(DslError(format!(
                "expression nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    fn node(height: usize, node: Node) -> Result<Parsed, DslError> {
        if height > MAX_DEPTH {
            return Err(DslError(format!(
                "expression nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok((node, height))
    }

    fn ternary(&mut self) -> Result<Parsed, DslError> {
        self.enter()?;
        let out = self.ternary_inner();
        self.depth -= 1;
        out
    }

    fn ternary_inner(&mut self) -> Result<Parsed, DslError> {
        let (cond, hc) = self.or()?;
        match self.peek_op() {
            Some("?") => {
                self.pos += 1;
                let (yes, hy) = self.ternary()?;
                if self.peek_op() != Some(":") {
                    return Err(self.err_here("expected ':' of the '?' operator"));
                }
                self.pos += 1;
                let (no, hn) = self.ternary()?;
                let h = hc.max(hy).max(hn) + 1;
                Self::node(
                    h,
                    Node::Ternary(Box::new(cond), Box::new(yes), Box::new(no)),
                )
            }
            Some("??") => {
                self.pos += 1;
                let (alt, ha) = self.ternary()?;
                Self::node(
                    hc.max(ha) + 1,
                    Node::Coalesce(Box::new(cond), Box::new(alt)),
                )
            }
            _ => Ok((cond, hc)),
        }
    }

    fn or(&mut self) -> Result<Parsed, DslError> {
        self.chain("||", Self::and, Node::Or)
    }

    fn and(&mut self) -> Result<Parsed, DslError> {
        self.chain("&&", |p| p.binary(0), Node::And)
    }

    fn chain(
        &mut self,
        op: &str,
        next: fn(&mut Self) -> Result<Parsed, DslError>,
        make: fn(Vec<Node>) -> Node,
    ) -> Result<Parsed, DslError> {
        let (first, mut h) = next(self)?;
        if self.peek_op() != Some(op) {
            return Ok((first, h));
        }
        let mut items = vec![first];
        while self.peek_op() == Some(op) {
            self.pos += 1;
            let (item, hi) = next(self)?;
            h = h.max(hi);
            items.push(item);
        }
        Self::node(h + 1, make(items))
    }

    /// Left-associative binary operators of `LEVELS[level]` and tighter.
    fn binary(&mut self, level: usize) -> Result<Parsed, DslError> {
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let (mut left, mut h) = self.binary(level + 1)?;
        while let Some(op) = self.peek_op().filter(|op| ops.contains(op)) {
            self.pos += 1;
            let (right, hr) = self.binary(level + 1)?;
            h = h.max(hr) + 1;
            left = Self::node(h, Node::Binary(op, Box::new(left), Box::new(right)))?.0;
        }
        Ok((left, h))
    }

    fn unary(&mut self) -> Result<Parsed, DslError> {
        match self.peek_op() {
            Some(op @ ("!" | "-" | "~" | "+")) => {
                self.pos += 1;
                self.enter()?;
                let inner = self.unary();
                self.depth -= 1;
                let (inner, h) = inner?;
                Self::node(h + 1, Node::Unary(op, Box::new(inner)))
            }
            _ => self.primary(),
        }
    }

    fn primary(&mut self) -> Result<Parsed, DslError> {
        let Some(token) = self.tokens.get(self.pos).cloned() else {
            return Err(self.err_here("expected a value"));
        };
        match token.tok {
            Tok::Num(n) => self.lit(Val::Num(n)),
            Tok::Str(s) => self.lit(Val::Str(s)),
            Tok::Bool(b) => self.lit(Val::Bool(b)),
            Tok::LParen => {
                self.pos += 1;
                let inner = self.ternary()?;
                self.expect(&Tok::RParen, "')'")?;
                Ok(inner)
            }
            Tok::Name(name) => {
                self.pos += 1;
                if self.peek() == Some(&Tok::LParen) {
                    return self.call(name, token.col);
                }
                if !self.variables.contains(&name) {
                    self.variables.push(name.clone());
                }
                Ok((Node::Var(name), 1))
            }
            _ => Err(self.err_here("expected a value")),
        }
    }

    fn lit(&mut self, v: Val) -> Result<Parsed, DslError> {
        self.pos += 1;
        Ok((Node::Lit(v), 1))
    }

    fn call(&mut self, name: String, col: usize) -> Result<Parsed, DslError> {
        let Some(spec) = funcs::spec(&name) else {
            return Err(DslError(format!(
                "unknown function '{name}' at column {col}"
            )));
        };
        self.pos += 1; // '('
        let mut args = Vec::new();
        let mut h = 0;
        if self.peek() == Some(&Tok::RParen) {
            self.pos += 1;
        } else {
            loop {
                let (arg, ha) = self.ternary()?;
                h = h.max(ha);
                args.push(arg);
                match self.peek() {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return Err(
                            self.err_here(&format!("expected ',' or ')' in the call of '{name}'"))
                        );
                    }
                }
            }
        }
        spec.check_arity(args.len())?;
        if !self.functions.contains(&name) {
            self.functions.push(name);
        }
        Self::node(h + 1, Node::Call(spec, args))
    }
}
