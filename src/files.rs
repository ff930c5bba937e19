//! Reading rules and locales from disk, or from the copy built into the binary.
//!
//! Contract: I/O problems (a missing file, an unreadable folder) are `IoError`s, which the CLI
//! reports with exit status 2; problems *in* the files are diagnostics, found later by `check`.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::check::Input;
use crate::diag::Diagnostic;
use crate::i18n::{LocaleFile, Locales};

/// The rules a fresh clone runs with, built into the binary so `rumbo chat` works anywhere.
pub const DEFAULT_RULES_PATH: &str = "rules/safe-mobility.yaml";
const DEFAULT_RULES: &str = include_str!("../rules/safe-mobility.yaml");
const DEFAULT_LOCALES: &[(&str, &str, &str)] = &[
    (
        "en",
        "locales/en/interface.ftl",
        include_str!("../locales/en/interface.ftl"),
    ),
    (
        "en",
        "locales/en/safe-mobility.ftl",
        include_str!("../locales/en/safe-mobility.ftl"),
    ),
    (
        "es",
        "locales/es/interface.ftl",
        include_str!("../locales/es/interface.ftl"),
    ),
    (
        "es",
        "locales/es/safe-mobility.ftl",
        include_str!("../locales/es/safe-mobility.ftl"),
    ),
];

/// Files larger than this are not read whole: the loader rejects them anyway, and reading
/// stops here so a huge file costs no memory.
const READ_LIMIT: u64 = 4 * 1024 * 1024 + 1;

/// A file or folder that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct IoError {
    pub path: PathBuf,
    pub message: String,
}

fn io_error(path: &Path, e: std::io::Error) -> IoError {
    use std::io::ErrorKind;
    let message = match e.kind() {
        ErrorKind::NotFound => "no such file or folder".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a folder, not a file".to_string(),
        ErrorKind::NotADirectory => "is a file, not a folder".to_string(),
        // Other errors keep the system's words, without its error number.
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text).to_string();
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or(text)
        }
    };
    IoError {
        path: path.to_path_buf(),
        message,
    }
}

/// The built-in rules and locales.
pub fn embedded() -> Input {
    Input {
        rules_path: PathBuf::from(DEFAULT_RULES_PATH),
        rules_bytes: DEFAULT_RULES.as_bytes().to_vec(),
        locale_files: DEFAULT_LOCALES
            .iter()
            .map(|(lang, path, text)| LocaleFile {
                lang: lang.to_string(),
                path: PathBuf::from(path),
                text: text.to_string(),
            })
            .collect(),
        locale_problems: Vec::new(),
        locales_dir: PathBuf::from("locales"),
    }
}

/// The built-in rules with the locales of `dir` (to try a translation on the shipped rules).
pub fn embedded_with_locales(dir: &Path) -> Result<Input, IoError> {
    let (locale_files, locale_problems) = read_locales(dir)?;
    Ok(Input {
        locale_files,
        locale_problems,
        locales_dir: dir.to_path_buf(),
        ..embedded()
    })
}

/// Reads a whole file (scenario files), up to the same limit as a rules file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, IoError> {
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(READ_LIMIT).read_to_end(&mut bytes))
        .map_err(|e| io_error(path, e))?;
    Ok(bytes)
}

/// Reads a rules file and its locales. Without `locales`, the first `locales` folder found in
/// the rules file's folder or one of its parents is used.
pub fn read(rules: &Path, locales: Option<&Path>) -> Result<Input, IoError> {
    let file = fs::File::open(rules).map_err(|e| io_error(rules, e))?;
    let mut rules_bytes = Vec::new();
    file.take(READ_LIMIT)
        .read_to_end(&mut rules_bytes)
        .map_err(|e| io_error(rules, e))?;
    let locales_dir = match locales {
        Some(dir) => dir.to_path_buf(),
        None => find_locales(rules).ok_or_else(|| IoError {
            path: rules.to_path_buf(),
            message:
                "no `locales` folder next to the rules file or above it; name one with --locales"
                    .into(),
        })?,
    };
    let (locale_files, locale_problems) = read_locales(&locales_dir)?;
    Ok(Input {
        rules_path: rules.to_path_buf(),
        rules_bytes,
        locale_files,
        locale_problems,
        locales_dir,
    })
}

/// The first `locales` folder in the rules file's folder or one above it. The search climbs
/// the real folders (so `rumbo check x.yaml` inside `rules/` finds `../locales`) but names
/// them relative to what was typed, so diagnostics show short paths.
fn find_locales(rules: &Path) -> Option<PathBuf> {
    let start = rules.parent().unwrap_or(Path::new("."));
    let start = if start.as_os_str().is_empty() {
        Path::new(".")
    } else {
        start
    };
    let depth = fs::canonicalize(start).map_or(1, |real| real.ancestors().count());
    (0..depth)
        .map(|up| {
            let mut dir = start.to_path_buf();
            for _ in 0..up {
                dir.push("..");
            }
            dir.join("locales")
        })
        .find(|d| d.is_dir())
}

/// Every `<dir>/<lang>/*.ftl`, sorted, with the problems found reading them. A folder that
/// cannot be read at all is an I/O error.
pub fn read_locales(dir: &Path) -> Result<(Vec<LocaleFile>, Vec<Diagnostic>), IoError> {
    fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    Ok(Locales::read_dir(dir))
}
