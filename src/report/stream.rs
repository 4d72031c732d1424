//! Writing a report file by file: each format renders one file's part (in
//! the worker that checked it) and a [`Frame`] says what goes around and
//! between the parts; the totals come last. The memory a run needs does not
//! grow with the number of findings.

use std::io::{self, Write};

/// What surrounds the files' parts of a report.
#[derive(Debug, Clone, Default)]
pub(super) struct Frame {
    /// Written first.
    pub head: String,
    /// Before the first non-empty part.
    pub first: String,
    /// Between two non-empty parts.
    pub between: String,
    /// After the parts, when there was one.
    pub after_some: String,
    /// After the parts, when there was none.
    pub after_none: String,
}

/// `text` with every line after a line break prefixed by `by`, and the
/// first too: a pretty-printed JSON value moved into a nested position
/// (JSON strings hold no raw line breaks).
pub(super) fn indent(text: &str, by: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(by);
        out.push_str(line);
    }
    out
}

/// Writes a report part by part, in order.
pub(super) struct Writer<W: Write> {
    out: W,
    frame: Frame,
    started: bool,
    some: bool,
}

impl<W: Write> Writer<W> {
    pub(super) fn new(out: W, frame: Frame) -> Self {
        Writer {
            out,
            frame,
            started: false,
            some: false,
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.out.write_all(self.frame.head.as_bytes())?;
        }
        Ok(())
    }

    /// One file's part (nothing is written for an empty one).
    pub(super) fn file(&mut self, part: &str) -> io::Result<()> {
        self.start()?;
        if part.is_empty() {
            return Ok(());
        }
        let sep = if self.some {
            &self.frame.between
        } else {
            &self.frame.first
        };
        self.out.write_all(sep.as_bytes())?;
        self.some = true;
        self.out.write_all(part.as_bytes())
    }

    /// Flush what was written so far to the underlying output.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Close the parts, write the tail (`tail` writes it), flush, and give
    /// the output back.
    pub(super) fn finish(mut self, tail: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<W> {
        self.start()?;
        let close = if self.some {
            &self.frame.after_some
        } else {
            &self.frame.after_none
        };
        self.out.write_all(close.as_bytes())?;
        tail(&mut self.out)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_separators() {
        let frame = Frame {
            head: "[".into(),
            first: "<".into(),
            between: ",".into(),
            after_some: ">".into(),
            after_none: "-".into(),
        };
        let mut w = Writer::new(Vec::new(), frame.clone());
        for p in ["", "a", "", "b", "c", ""] {
            w.file(p).unwrap();
        }
        let end = |out: &mut Vec<u8>| out.write_all(b"]");
        assert_eq!(w.finish(end).unwrap(), b"[<a,b,c>]");
        let w = Writer::new(Vec::new(), frame.clone());
        assert_eq!(w.finish(end).unwrap(), b"[-]");
        let mut w = Writer::new(Vec::new(), frame);
        w.file("").unwrap();
        assert_eq!(w.finish(end).unwrap(), b"[-]");
    }

    #[test]
    fn indents_every_line() {
        assert_eq!(indent("{\n  \"a\": 1\n}", "  "), "  {\n    \"a\": 1\n  }");
        assert_eq!(indent("1", "    "), "    1");
    }
}
