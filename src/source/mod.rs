//! Source stage: read a file's bytes and decode them to text.
//!
//! Nothing here ever opens a document for writing.

pub mod decode;
pub mod walk;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use decode::{DecodeError, Decoded, FileOffsets, decode};

/// A path as shown in every report: without a leading `./`, with `/`
/// separators on every platform (so reports and snapshots agree).
pub fn display_path(p: &Path) -> String {
    let s = p.display().to_string();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

/// Files larger than this are skipped unless configured otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// Why a path could not be read as a document.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: no such file or directory")]
    NotFound { path: PathBuf },
    #[error("{path}: is a directory, not a file")]
    IsDirectory { path: PathBuf },
    #[error("{path}: not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path}: permission denied")]
    PermissionDenied { path: PathBuf },
    #[error("{path}: file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// A stream (standard input) longer than the limit: read no further,
    /// so its size is not known.
    #[error("{path}: more than {limit} bytes, over the limit")]
    StreamTooLarge { path: PathBuf, limit: u64 },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ReadError {
    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotFound { path }
            | ReadError::IsDirectory { path }
            | ReadError::NotAFile { path }
            | ReadError::PermissionDenied { path }
            | ReadError::TooLarge { path, .. }
            | ReadError::StreamTooLarge { path, .. }
            | ReadError::Io { path, .. } => path,
        }
    }
}

/// Read a file's bytes, read-only, refusing directories and oversized files.
pub fn read_file(path: &Path, max_size: u64) -> Result<Vec<u8>, ReadError> {
    let owned = || path.to_path_buf();
    let meta = fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory { path: owned() });
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile { path: owned() });
    }
    if meta.len() > max_size {
        return Err(ReadError::TooLarge {
            path: owned(),
            size: meta.len(),
            limit: max_size,
        });
    }
    let mut f = fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read at most one byte past the limit, in case the file grew meanwhile.
    (&mut f)
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > max_size {
        return Err(ReadError::TooLarge {
            path: owned(),
            size: bytes.len() as u64,
            limit: max_size,
        });
    }
    Ok(bytes)
}

/// Read a stream (standard input), shown as `path`, to its end or to one
/// byte past `max_size`, whichever comes first: an endless or huge stream
/// costs at most the limit, as a file does.
pub fn read_stream(path: &Path, stream: impl Read, max_size: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    stream
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > max_size {
        return Err(ReadError::StreamTooLarge {
            path: path.to_path_buf(),
            limit: max_size,
        });
    }
    Ok(bytes)
}

/// Read a configuration-side file (a config, a baseline) as UTF-8 text:
/// a regular file of at most `max_size` bytes, like a document, so that a
/// path such as /dev/zero or a FIFO is refused rather than read forever.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, String> {
    let bytes = read_file(path, max_size).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

fn io_error(path: &Path, e: std::io::Error) -> ReadError {
    let path = path.to_path_buf();
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound { path },
        std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied { path },
        std::io::ErrorKind::IsADirectory => ReadError::IsDirectory { path },
        _ => ReadError::Io { path, source: e },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_read_up_to_its_limit_and_no_further() {
        let name = Path::new("-");
        assert_eq!(read_stream(name, &b"abc"[..], 3).unwrap(), b"abc");
        // An endless stream ends at the limit.
        let endless = std::io::repeat(b'a');
        let err = read_stream(name, endless, 10).unwrap_err();
        assert!(matches!(err, ReadError::StreamTooLarge { limit: 10, .. }));
        assert_eq!(err.to_string(), "-: more than 10 bytes, over the limit");
    }
}
