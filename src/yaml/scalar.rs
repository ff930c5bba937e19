//! YAML 1.2 core-schema resolution of plain scalars (spec 10.3.2), written out by hand so that
//! exactly these forms are special and everything else (`yes`, `on`, `2023-10-18`, `0b1`) is text.

/// What a plain scalar means under the core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Plain {
    Null,
    Bool(bool),
    /// An integer that fits in i128.
    Int(i128),
    /// An integer too large for i128 (only deserialize_any reads it, as a float).
    BigInt,
    Float(f64),
    Text,
}

pub(super) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

pub(super) fn bool_of(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `None` if `text` is not a core-schema integer; `Some(None)` if it is one but overflows i128.
pub(super) fn int_of(text: &str) -> Option<Option<i128>> {
    if let Some(digits) = text.strip_prefix("0o") {
        return radix(digits, 8);
    }
    if let Some(digits) = text.strip_prefix("0x") {
        return radix(digits, 16);
    }
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = radix(digits, 10)?;
    Some(magnitude.map(|m| if negative { -m } else { m }))
}

fn radix(digits: &str, radix: u32) -> Option<Option<i128>> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Digits only, so the only possible failure is overflow.
    Some(i128::from_str_radix(digits, radix).ok())
}

/// A core-schema float (integers included, as the schema's float pattern matches them too).
pub(super) fn float_of(text: &str) -> Option<f64> {
    let unsigned = text
        .strip_prefix('-')
        .or_else(|| text.strip_prefix('+'))
        .unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return Some(if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    if let Some(Some(i)) = int_of(text) {
        // Covers 0o/0x, which Rust's float parser does not read.
        return Some(i as f64);
    }
    if !is_decimal_float(unsigned) {
        return None;
    }
    text.parse().ok()
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_decimal_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let whole = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fraction = digits(&mut i);
        if whole == 0 && fraction == 0 {
            return false;
        }
    } else if whole == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The core-schema meaning of a plain scalar.
pub(super) fn resolve(text: &str) -> Plain {
    if is_null(text) {
        return Plain::Null;
    }
    if let Some(b) = bool_of(text) {
        return Plain::Bool(b);
    }
    match int_of(text) {
        Some(Some(i)) => return Plain::Int(i),
        Some(None) => return Plain::BigInt,
        None => {}
    }
    match float_of(text) {
        Some(f) => Plain::Float(f),
        None => Plain::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_forms() {
        for t in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(resolve(t), Plain::Null, "{t:?}");
        }
        assert_eq!(resolve("True"), Plain::Bool(true));
        assert_eq!(resolve("FALSE"), Plain::Bool(false));
        assert_eq!(resolve("-12"), Plain::Int(-12));
        assert_eq!(resolve("+7"), Plain::Int(7));
        assert_eq!(resolve("0o17"), Plain::Int(15));
        assert_eq!(resolve("0x1F"), Plain::Int(31));
        assert_eq!(resolve("1.5"), Plain::Float(1.5));
        assert_eq!(resolve(".5"), Plain::Float(0.5));
        assert_eq!(resolve("1."), Plain::Float(1.0));
        assert_eq!(resolve("1e3"), Plain::Float(1000.0));
        assert_eq!(resolve("-.inf"), Plain::Float(f64::NEG_INFINITY));
        assert!(matches!(resolve(".NaN"), Plain::Float(f) if f.is_nan()));
        assert_eq!(
            resolve("99999999999999999999999999999999999999999"),
            Plain::BigInt
        );
        for t in [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "2023-10-18",
            "0b1",
            "1_000",
            "+0x1",
            "-0o7",
            ".",
            "e3",
            "1e",
            "+",
            "-",
            "nan",
            "inf",
            "1.2.3",
            "0x",
            "NULL!",
            "truee",
        ] {
            assert_eq!(resolve(t), Plain::Text, "{t:?}");
        }
    }
}
