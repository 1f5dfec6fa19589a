//! Reading a JSON input (a scenario file, a saved session, an assignor case file) with an error a
//! learner can act on: which field, where in the text, and why. Used by every loader, so a scenario,
//! a share link and `lab assign` explain a broken input the same way.

use serde::de::DeserializeOwned;
use std::fmt;

/// The largest input any loader reads: far beyond any real scenario, session or case file, and
/// small enough that reading it never keeps the page busy.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Why a JSON input could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Larger than [`MAX_INPUT_BYTES`].
    TooLong { bytes: usize },
    /// Not UTF-8 text (a binary file, or bytes damaged on the way).
    NotText { valid_up_to: usize },
    /// Text, but not a value of the expected shape.
    Json(JsonError),
}

/// Where a JSON text stops making sense, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The field, as a path from the top (`consumers[2].start_at_ms`); empty for the whole text.
    pub path: String,
    /// 1-based line and column of the place the reader stopped.
    pub line: usize,
    pub column: usize,
    pub problem: JsonProblem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonProblem {
    /// The text ends in the middle of a value: it was probably cut short when copied.
    Truncated,
    /// Arrays or objects nested deeper than the reader follows (128 levels).
    TooDeep,
    /// Not JSON at this point; the reader's own words.
    Syntax(String),
    /// Valid JSON whose value does not fit the field (a string for a number, a negative time, an
    /// unknown field or action type); the reader's words, with Rust's type names said plainly.
    Value(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::TooLong { bytes } => write!(
                f,
                "the input is {bytes} bytes long; at most {MAX_INPUT_BYTES} are read"
            ),
            LoadError::NotText { valid_up_to } => write!(
                f,
                "the input is not UTF-8 text (byte {valid_up_to} is not part of a character)"
            ),
            LoadError::Json(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{} ", self.path)?;
        }
        write!(f, "(line {}, column {}): ", self.line, self.column)?;
        match &self.problem {
            JsonProblem::Truncated => {
                f.write_str("the text ends too early (was it cut short when copied?)")
            }
            JsonProblem::TooDeep => f.write_str("nested deeper than 128 levels"),
            JsonProblem::Syntax(reason) => f.write_str(reason),
            JsonProblem::Value(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for LoadError {}
impl std::error::Error for JsonError {}

/// Reads `T` from bytes: size, then UTF-8, then JSON.
pub fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, LoadError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(LoadError::TooLong { bytes: bytes.len() });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::NotText {
        valid_up_to: e.valid_up_to(),
    })?;
    from_text(text)
}

/// Reads `T` from text: size, then JSON.
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, LoadError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(LoadError::TooLong { bytes: text.len() });
    }
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
        let path = e.path().to_string();
        LoadError::Json(json_error(path, e.into_inner()))
    })?;
    // Text after the value is an error too, located like the others.
    reader
        .end()
        .map_err(|e| LoadError::Json(json_error(String::new(), e)))?;
    Ok(value)
}

fn json_error(path: String, inner: serde_json::Error) -> JsonError {
    let (line, column) = (inner.line(), inner.column());
    let message = inner.to_string();
    let message = message
        .strip_suffix(&format!(" at line {line} column {column}"))
        .unwrap_or(&message)
        .to_string();
    let problem = match inner.classify() {
        serde_json::error::Category::Eof => JsonProblem::Truncated,
        _ if message.starts_with("recursion limit exceeded") => JsonProblem::TooDeep,
        serde_json::error::Category::Syntax | serde_json::error::Category::Io => {
            JsonProblem::Syntax(message)
        }
        serde_json::error::Category::Data => JsonProblem::Value(plain_words(&message)),
    };
    JsonError {
        path: if path == "." { String::new() } else { path },
        line,
        column,
        problem,
    }
}

/// serde names Rust's types; a learner reads numbers.
fn plain_words(message: &str) -> String {
    [
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        (
            "invalid value: integer `-",
            "a negative number is not allowed here: `-",
        ),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
        #[serde(default)]
        extra: Option<serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        at_ms: u64,
    }

    fn error(text: &str) -> JsonError {
        match from_text::<Outer>(text) {
            Err(LoadError::Json(e)) => e,
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }

    #[test]
    fn a_value_that_does_not_fit_names_its_field() {
        let e = error(r#"{"items": [{"at_ms": 1}, {"at_ms": -5}]}"#);
        assert_eq!(e.path, "items[1].at_ms");
        assert_eq!((e.line, e.column), (1, 37));
        assert!(e
            .to_string()
            .starts_with("items[1].at_ms (line 1, column 37): "));
        assert!(e.to_string().contains("negative"), "{e}");
    }

    #[test]
    fn truncation_depth_syntax_and_bytes_each_have_their_reason() {
        assert_eq!(error(r#"{"items": [{"at"#).problem, JsonProblem::Truncated);
        let deep = format!(
            r#"{{"items": [], "extra": {}{}}}"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(error(&deep).problem, JsonProblem::TooDeep);
        assert!(matches!(error("{items}").problem, JsonProblem::Syntax(_)));
        assert!(matches!(
            error(r#"{"items": []} x"#).problem,
            JsonProblem::Syntax(_)
        ));
        assert_eq!(
            from_bytes::<Outer>(b"{\"items\": [\xff]}").unwrap_err(),
            LoadError::NotText { valid_up_to: 11 }
        );
        let long = vec![b' '; MAX_INPUT_BYTES + 1];
        assert!(matches!(
            from_bytes::<Outer>(&long),
            Err(LoadError::TooLong { .. })
        ));
    }
}
