//! SCIM filter expressions (RFC 7644 §3.4.2.2): building them with correct escaping, and
//! parsing and evaluating them against JSON resources (used by the sandbox).

use serde_json::Value;

/// A string literal for a filter: quoted, with `"` and `\` escaped.
pub fn quote(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_string())
}

/// `attr eq "value"`.
pub fn eq(attr: &str, value: &str) -> String {
    format!("{attr} eq {}", quote(value))
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Contains.
    Co,
    /// Starts with.
    Sw,
    /// Ends with.
    Ew,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `path op value`.
    Compare {
        /// The attribute path.
        path: String,
        /// The operator.
        op: Op,
        /// The value compared with.
        value: Value,
    },
    /// `path pr`: the attribute has a value.
    Present {
        /// The attribute path.
        path: String,
    },
    /// Both hold.
    And(Box<Filter>, Box<Filter>),
    /// Either holds.
    Or(Box<Filter>, Box<Filter>),
    /// It does not hold.
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: some element of a multi-valued attribute matches.
    ValuePath {
        /// The multi-valued attribute.
        attr: String,
        /// What one of its values must match.
        inner: Box<Filter>,
    },
}

/// Longest filter accepted, and deepest nesting: bounds memory and recursion on hostile input.
pub const MAX_FILTER_LEN: usize = 4096;
const MAX_DEPTH: usize = 32;

/// A filter that cannot be read, with why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid filter: {0}")]
pub struct FilterError(pub String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    LBracket,
    RBracket,
}

fn tokenize(s: &str) -> Result<Vec<Token>, FilterError> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Token::LParen);
                i += 1
            }
            ')' => {
                out.push(Token::RParen);
                i += 1
            }
            '[' => {
                out.push(Token::LBracket);
                i += 1
            }
            ']' => {
                out.push(Token::RBracket);
                i += 1
            }
            '"' => {
                // JSON string rules, so quote() round-trips.
                let start = i;
                i += 1;
                let mut escaped = false;
                while i < chars.len() {
                    if escaped {
                        escaped = false;
                    } else if chars[i] == '\\' {
                        escaped = true;
                    } else if chars[i] == '"' {
                        break;
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(FilterError("a string is not closed".into()));
                }
                let lit: String = chars[start..=i].iter().collect();
                let v: String = serde_json::from_str(&lit)
                    .map_err(|_| FilterError(format!("bad string literal {lit}")))?;
                out.push(Token::Str(v));
                i += 1;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !matches!(
                        chars[i],
                        ' ' | '\t' | '\n' | '\r' | '(' | ')' | '[' | ']' | '"'
                    )
                {
                    i += 1;
                }
                let w: String = chars[start..i].iter().collect();
                if let Ok(n) = w.parse::<f64>() {
                    out.push(Token::Num(n));
                } else {
                    out.push(Token::Word(w));
                }
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Parses a filter string.
pub fn parse(s: &str) -> Result<Filter, FilterError> {
    if s.len() > MAX_FILTER_LEN {
        return Err(FilterError(format!("longer than {MAX_FILTER_LEN} bytes")));
    }
    let mut p = Parser {
        tokens: tokenize(s)?,
        pos: 0,
        depth: 0,
    };
    let f = p.or()?;
    if p.pos != p.tokens.len() {
        return Err(FilterError(format!("unexpected {:?}", p.tokens[p.pos])));
    }
    Ok(f)
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn or(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError("nested too deeply".into()));
        }
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<Filter, FilterError> {
        if self.peek_word("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        match self.tokens.get(self.pos).cloned() {
            Some(Token::LParen) => {
                self.pos += 1;
                let f = self.or()?;
                if self.tokens.get(self.pos) != Some(&Token::RParen) {
                    return Err(FilterError("missing )".into()));
                }
                self.pos += 1;
                Ok(f)
            }
            Some(Token::Word(path)) => {
                self.pos += 1;
                if self.tokens.get(self.pos) == Some(&Token::LBracket) {
                    self.pos += 1;
                    let inner = self.or()?;
                    if self.tokens.get(self.pos) != Some(&Token::RBracket) {
                        return Err(FilterError("missing ]".into()));
                    }
                    self.pos += 1;
                    return Ok(Filter::ValuePath {
                        attr: path,
                        inner: Box::new(inner),
                    });
                }
                let op = match self.tokens.get(self.pos) {
                    Some(Token::Word(op)) => op.to_ascii_lowercase(),
                    other => {
                        return Err(FilterError(format!(
                            "expected an operator after {path}, found {other:?}"
                        )));
                    }
                };
                self.pos += 1;
                let op = match op.as_str() {
                    "pr" => return Ok(Filter::Present { path }),
                    "eq" => Op::Eq,
                    "ne" => Op::Ne,
                    "co" => Op::Co,
                    "sw" => Op::Sw,
                    "ew" => Op::Ew,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    other => return Err(FilterError(format!("unknown operator {other}"))),
                };
                let value = match self.tokens.get(self.pos).cloned() {
                    Some(Token::Str(s)) => Value::String(s),
                    Some(Token::Num(n)) => serde_json::Number::from_f64(n)
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                    Some(Token::Word(w)) if w == "true" => Value::Bool(true),
                    Some(Token::Word(w)) if w == "false" => Value::Bool(false),
                    Some(Token::Word(w)) if w == "null" => Value::Null,
                    other => {
                        return Err(FilterError(format!(
                            "expected a value after the operator, found {other:?}"
                        )));
                    }
                };
                self.pos += 1;
                Ok(Filter::Compare { path, op, value })
            }
            other => Err(FilterError(format!(
                "expected an attribute, found {other:?}"
            ))),
        }
    }
}

/// Attributes whose strings compare exactly (RFC 7643 `caseExact: true`).
fn case_exact(attr: &str) -> bool {
    matches!(attr, "id" | "externalId" | "value" | "$ref")
}

/// The values at `path` (`attr` or `attr.sub`, attribute names case-insensitive, schema URN
/// prefixes ignored) of `resource`, flattening multi-valued attributes.
pub fn lookup<'a>(resource: &'a Value, path: &str) -> Vec<&'a Value> {
    let path = strip_urn(path);
    let mut current = vec![resource];
    for part in path.split('.') {
        let mut next = Vec::new();
        for v in current {
            let items: Vec<&Value> = match v {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for item in items {
                if let Some(obj) = item.as_object()
                    && let Some((_, child)) = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(part))
                {
                    match child {
                        Value::Array(a) => next.extend(a.iter()),
                        other => next.push(other),
                    }
                }
            }
        }
        current = next;
    }
    current
}

/// `urn:...:User:userName` → `userName`.
pub fn strip_urn(path: &str) -> &str {
    if path.to_ascii_lowercase().starts_with("urn:") {
        // Attribute names never contain ':', while the URN's version ("2.0") has a '.'.
        match path.rfind(':') {
            Some(i) => &path[i + 1..],
            None => path,
        }
    } else {
        path
    }
}

impl Filter {
    /// Does `resource` match?
    pub fn matches(&self, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(resource) && b.matches(resource),
            Filter::Or(a, b) => a.matches(resource) || b.matches(resource),
            Filter::Not(a) => !a.matches(resource),
            Filter::Present { path } => lookup(resource, path).iter().any(|v| match v {
                Value::Null => false,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                _ => true,
            }),
            Filter::ValuePath { attr, inner } => {
                lookup(resource, attr).iter().any(|v| inner.matches(v))
            }
            Filter::Compare { path, op, value } => {
                let last = strip_urn(path).rsplit('.').next().unwrap_or(path);
                let exact = case_exact(last);
                lookup(resource, path)
                    .iter()
                    .any(|v| compare(v, *op, value, exact))
            }
        }
    }

    /// When the filter is `attr eq "x"` on `attr` (any case), the value: lets a server use an
    /// index instead of scanning.
    pub fn as_eq_on(&self, attr: &str) -> Option<&str> {
        match self {
            Filter::Compare {
                path,
                op: Op::Eq,
                value: Value::String(s),
            } if strip_urn(path).eq_ignore_ascii_case(attr) => Some(s),
            _ => None,
        }
    }
}

fn compare(actual: &Value, op: Op, expected: &Value, exact: bool) -> bool {
    match (actual, expected) {
        (Value::String(a), Value::String(e)) => {
            let (a, e) = if exact {
                (a.clone(), e.clone())
            } else {
                (a.to_lowercase(), e.to_lowercase())
            };
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Co => a.contains(&e),
                Op::Sw => a.starts_with(&e),
                Op::Ew => a.ends_with(&e),
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
            }
        }
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (
                a.as_f64().unwrap_or(f64::NAN),
                e.as_f64().unwrap_or(f64::NAN),
            );
            match op {
                Op::Eq => a == e,
                Op::Ne => a != e,
                Op::Gt => a > e,
                Op::Ge => a >= e,
                Op::Lt => a < e,
                Op::Le => a <= e,
                _ => false,
            }
        }
        (Value::Bool(a), Value::Bool(e)) => match op {
            Op::Eq => a == e,
            Op::Ne => a != e,
            _ => false,
        },
        (_, Value::Null) => matches!(op, Op::Ne),
        _ => matches!(op, Op::Ne),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn builds_escaped_filters() {
        assert_eq!(eq("userName", "a\"b\\c"), r#"userName eq "a\"b\\c""#);
    }

    #[test]
    fn evaluates_the_operators_the_sandbox_supports() {
        let user = json!({"userName": "Ada@Example.com", "active": true,
            "name": {"givenName": "Ada"}, "emails": [{"value": "ada@example.com", "type": "work"}]});
        for (f, want) in [
            (r#"userName eq "ada@example.com""#, true),
            (r#"USERNAME Eq "ADA@EXAMPLE.COM""#, true),
            (r#"userName co "example""#, true),
            (r#"userName sw "ada" and active eq true"#, true),
            (r#"userName sw "bob" or name.givenName eq "ada""#, true),
            (r#"not (userName pr)"#, false),
            (r#"title pr"#, false),
            (r#"emails[type eq "work" and value ew ".com"]"#, true),
            (
                r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "ada@example.com""#,
                true,
            ),
        ] {
            assert_eq!(parse(f).unwrap().matches(&user), want, "{f}");
        }
    }

    #[test]
    fn rejects_broken_filters_with_a_reason() {
        for f in [
            "userName eq",
            "userName xx \"a\"",
            "(userName pr",
            "\"unclosed",
            "userName eq \"a\" extra",
        ] {
            assert!(parse(f).is_err(), "{f}");
        }
        let deep = format!("{}userName pr{}", "(".repeat(100), ")".repeat(100));
        assert!(parse(&deep).unwrap_err().0.contains("nested"));
    }

    proptest! {
        #[test]
        fn any_name_once_quoted_matches_only_itself(name in "\\PC{0,40}", other in "\\PC{0,40}") {
            let f = parse(&eq("displayName", &name)).unwrap();
            let itself = json!({"displayName": name.clone()});
            let another = json!({"displayName": other.clone()});
            prop_assert!(f.matches(&itself));
            prop_assert_eq!(f.matches(&another), other.to_lowercase() == name.to_lowercase());
        }

        #[test]
        fn the_parser_never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s);
        }
    }
}
