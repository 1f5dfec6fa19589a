//! Decimal numbers the page reads (a typed speed, an embed link's `speed=`, an SVG's viewBox), parsed
//! by the browser.
//!
//! Why: `str::parse::<f64>` brings core's table of 128-bit powers of five into the wasm (10 KB that
//! gzip cannot shrink). The page checks Rust's own grammar for a float here, so exactly the same
//! texts are accepted, and lets the browser's `Number.parseFloat` compute the value: both give the
//! nearest double to the decimal written. Natively `str::parse` runs.

/// `text.parse::<f64>().ok()`, the same texts accepted and the same value.
pub fn parse_f64(text: &str) -> Option<f64> {
    if !is_float(text) {
        return None;
    }
    #[cfg(target_arch = "wasm32")]
    {
        let negative = text.starts_with('-');
        let unsigned = text.trim_start_matches(['+', '-']).to_ascii_lowercase();
        let magnitude = match unsigned.as_str() {
            "inf" | "infinity" => f64::INFINITY,
            "nan" => f64::NAN,
            _ => js_sys::Number::parse_float(&unsigned),
        };
        Some(if negative { -magnitude } else { magnitude })
    }
    #[cfg(not(target_arch = "wasm32"))]
    text.parse().ok()
}

/// Rust's grammar for `f64::from_str`: a sign, then `inf`, `infinity` or `nan` in any case, or
/// digits with an optional point (at least one digit on one side) and an optional exponent.
pub fn is_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if ["inf", "infinity", "nan"]
        .iter()
        .any(|word| unsigned.eq_ignore_ascii_case(word))
    {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_exactly_what_rust_accepts() {
        for text in [
            "2",
            "0.5",
            "5.",
            ".5",
            "+1",
            "-0",
            "1e3",
            "1E+05",
            "2.5e-3",
            "inf",
            "-Infinity",
            "NaN",
            "",
            ".",
            "+",
            "-",
            "e5",
            "1e",
            "1e+",
            " 2",
            "2 ",
            "0x10",
            "1_000",
            "1.2.3",
            "infinit",
            "--1",
            "+-1",
            "1e5.0",
            "١",
        ] {
            assert_eq!(is_float(text), text.parse::<f64>().is_ok(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn the_grammar_is_rusts(text in "[-+0-9.eEinfaINFAty ]{0,8}") {
            prop_assert_eq!(is_float(&text), text.parse::<f64>().is_ok());
        }
    }
}
