//! Free text that names a button: "2", "colombia", "  COLÓMBIA " all pick "Colombia".
//!
//! People on phones often type instead of tapping. Text counts as a choice when, ignoring
//! case, accents, emoji, punctuation and extra spaces, it equals one label, or it is the
//! label's number. Anything else matches nothing (the caller shows a hint).

/// Lowercase letters and digits only, accents removed, words separated by one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        let ch = fold_accent(ch);
        if ch.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(ch);
        } else {
            space = true;
        }
    }
    out
}

fn fold_accent(ch: char) -> char {
    match ch {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        other => other,
    }
}

/// The index of the label `text` names (1-based number or the label itself), if exactly one.
pub fn pick<S: AsRef<str>>(text: &str, labels: &[S]) -> Option<usize> {
    let wanted = normalize(text);
    if wanted.is_empty() {
        return None;
    }
    if let Ok(n) = wanted.parse::<usize>() {
        return (1..=labels.len()).contains(&n).then(|| n - 1);
    }
    let mut found = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| normalize(l.as_ref()) == wanted)
        .map(|(i, _)| i);
    match (found.next(), found.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_labels_pick_choices() {
        let labels = [
            "Colombia",
            "México",
            "Estados Unidos",
            "✅ Ver mi resultado",
        ];
        assert_eq!(pick("2", &labels), Some(1));
        assert_eq!(pick(" 02 ", &labels), Some(1));
        assert_eq!(pick("mexico", &labels), Some(1));
        assert_eq!(pick("  ESTADOS   unidos!", &labels), Some(2));
        assert_eq!(pick("ver mi resultado", &labels), Some(3));
        assert_eq!(pick("5", &labels), None);
        assert_eq!(pick("0", &labels), None);
        assert_eq!(pick("", &labels), None);
        assert_eq!(pick("🙂", &labels), None);
        assert_eq!(pick("peru", &labels), None);
        assert_eq!(pick(&"x".repeat(4000), &labels), None);
    }

    #[test]
    fn ambiguous_labels_pick_nothing() {
        assert_eq!(pick("si", &["Sí", "SI"]), None);
    }

    #[test]
    fn normalize_folds_case_accents_and_markup() {
        assert_eq!(normalize("  Ñandú <b>GRANDE</b>  "), "nandu b grande b");
        assert_eq!(normalize("مرحبا"), "مرحبا");
    }
}
