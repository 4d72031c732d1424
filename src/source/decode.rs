//! Decode a file's bytes to text, detecting its encoding.
//!
//! Japanese privacy policies still turn up in Shift_JIS (CP932), EUC-JP and
//! ISO-2022-JP as well as UTF-8 and UTF-16. Decoding is strict: a malformed
//! sequence is reported with its file offset instead of being replaced, so
//! that the linter never reports on text that is not in the file. Every
//! decoded text carries a [`FileOffsets`] map so that diagnostics can point
//! at byte offsets of the original file.

use std::fmt;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    Decoder, DecoderResult, EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE,
};

/// A file decoded to text.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The decoded text, BOM removed; CR and CRLF are kept as they are.
    pub text: String,
    /// Canonical (encoding_rs) name of the encoding, e.g. `"Shift_JIS"`.
    pub encoding: &'static str,
    /// Whether the file started with a byte-order mark.
    pub bom: bool,
    /// Map from byte offsets in `text` to byte offsets in the file.
    pub offsets: FileOffsets,
}

/// Why a file could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// NUL bytes and no UTF-16 BOM: a binary file. `offset` = first NUL.
    #[error("binary file (NUL byte at offset {offset})")]
    Binary { offset: usize },
    /// Looks like UTF-16 text (NULs in every other byte) but has no BOM.
    #[error("looks like UTF-16{endian} without a byte-order mark; save it as UTF-8 or add a BOM")]
    Utf16WithoutBom { endian: &'static str },
    /// Bytes that are invalid in the encoding that was chosen.
    #[error("invalid {encoding} byte sequence at byte offset {offset}")]
    Invalid {
        encoding: &'static str,
        offset: usize,
        len: usize,
    },
    /// A stray NUL in a file that is otherwise UTF-8 text: a broken file to
    /// fix, not a binary one to skip.
    #[error("NUL byte at byte offset {offset} in a UTF-8 text file")]
    Nul { offset: usize },
}

impl DecodeError {
    /// The encoding and file offset of a problem at one place in the file.
    pub fn located(&self) -> Option<(&'static str, usize)> {
        match self {
            DecodeError::Invalid {
                encoding, offset, ..
            } => Some((encoding, *offset)),
            DecodeError::Nul { offset } => Some(("UTF-8", *offset)),
            _ => None,
        }
    }
}

/// Detect the encoding of `bytes` and decode them strictly.
///
/// Order: byte-order mark; NUL bytes (binary or BOM-less UTF-16); valid
/// UTF-8 (or 7-bit ISO-2022-JP); UTF-8 with a few broken sequences (an
/// error); otherwise Shift_JIS or EUC-JP.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_strict(bytes, encoding, bom_len);
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        // Valid UTF-8 text with a stray NUL is UTF-8 (UTF-16 Japanese is
        // almost never valid UTF-8, and UTF-8 Japanese can read as UTF-16).
        if stray_nul_in_text(bytes) {
            return Err(DecodeError::Nul { offset: nul });
        }
        return Err(match utf16_without_bom(bytes) {
            Some(endian) => DecodeError::Utf16WithoutBom { endian },
            None => DecodeError::Binary { offset: nul },
        });
    }
    if let Some(endian) = japanese_utf16_without_nul(bytes) {
        return Err(DecodeError::Utf16WithoutBom { endian });
    }
    match std::str::from_utf8(bytes) {
        // ISO-2022-JP is 7-bit, so it always passes as UTF-8; its escape
        // sequences are what give it away.
        Ok(_) if looks_like_iso_2022_jp(bytes) => decode_strict(bytes, ISO_2022_JP, 0),
        Ok(text) => Ok(utf8_decoded(text, 0, bytes.len())),
        Err(error) => {
            if let Some(error) = mostly_utf8_error(bytes, &error) {
                return Err(error);
            }
            decode_legacy(bytes)
        }
    }
}

/// Decode `bytes` strictly as `encoding`, skipping that encoding's own BOM
/// if the file starts with one (for an encoding named by the user).
pub fn decode_with(bytes: &[u8], encoding: &'static Encoding) -> Result<Decoded, DecodeError> {
    let bom_len = match Encoding::for_bom(bytes) {
        Some((bom_encoding, len)) if bom_encoding == encoding => len,
        _ => 0,
    };
    decode_strict(bytes, encoding, bom_len)
}

/// Decode `bytes[bom_len..]` as `encoding`, failing on the first malformed
/// sequence.
fn decode_strict(
    bytes: &[u8],
    encoding: &'static Encoding,
    bom_len: usize,
) -> Result<Decoded, DecodeError> {
    let body = bytes.get(bom_len..).unwrap_or_default();
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(text) => Ok(utf8_decoded(text, bom_len, bytes.len())),
            Err(error) => Err(DecodeError::Invalid {
                encoding: UTF_8.name(),
                offset: bom_len + error.valid_up_to(),
                len: error
                    .error_len()
                    .unwrap_or(body.len() - error.valid_up_to()),
            }),
        };
    }
    let (text, offsets) = decode_stream(body, bom_len, encoding)?;
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        bom: bom_len > 0,
        offsets,
    })
}

fn utf8_decoded(text: &str, bom_len: usize, file_len: usize) -> Decoded {
    Decoded {
        text: text.to_owned(),
        encoding: UTF_8.name(),
        bom: bom_len > 0,
        offsets: FileOffsets {
            text_len: text.len(),
            file_len,
            map: Map::Shift {
                shift: bom_len,
                continuation: continuation_bits(text.as_bytes()),
            },
        },
    }
}

const ESC: u8 = 0x1B;

/// Escape sequences that switch ISO-2022-JP away from ASCII. `ESC ( B`
/// (back to ASCII) is left out: alone it says nothing about the encoding.
const JIS_ESCAPES: [&[u8; 3]; 4] = [b"\x1B$@", b"\x1B$B", b"\x1B(J", b"\x1B(I"];

fn looks_like_iso_2022_jp(bytes: &[u8]) -> bool {
    bytes.is_ascii()
        && bytes
            .windows(3)
            .any(|w| JIS_ESCAPES.iter().any(|escape| w == escape.as_slice()))
}

/// At most this many NULs make a UTF-8 text file broken rather than binary.
const STRAY_NULS: usize = 4;

/// Whether the NULs in `bytes` are a few strays in UTF-8 text: at most
/// [`STRAY_NULS`] of them, the rest valid UTF-8 with no other control
/// characters than whitespace.
fn stray_nul_in_text(bytes: &[u8]) -> bool {
    let nuls = memchr::memchr_iter(0, bytes).take(STRAY_NULS + 1).count();
    nuls <= STRAY_NULS
        && bytes.len() >= 32
        && std::str::from_utf8(bytes).is_ok_and(|t| {
            t.chars()
                .filter(|&c| c != '\0')
                .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0C'))
        })
}

/// Japanese UTF-16 with no ASCII at all has no NUL byte to give it away:
/// when the file is not UTF-8 and reads as clean text made mostly of kana,
/// kanji and Japanese punctuation in one byte order, it is UTF-16 without a
/// BOM (Shift_JIS or EUC-JP would not read so).
fn japanese_utf16_without_nul(bytes: &[u8]) -> Option<&'static str> {
    if bytes.len() < 8 || !bytes.len().is_multiple_of(2) || std::str::from_utf8(bytes).is_ok() {
        return None;
    }
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE) & !1];
    let whole = sample.len() == bytes.len();
    [("LE", UTF_16LE), ("BE", UTF_16BE)]
        .into_iter()
        .find(|(_, enc)| {
            let mut decoder = enc.new_decoder_without_bom_handling();
            let mut text = String::new();
            let (result, _) = feed(&mut decoder, sample, &mut text, whole);
            let total = text.chars().count();
            let japanese = text
                .chars()
                .filter(
                    |&c| matches!(c as u32, 0x3000..=0x30FF | 0x4E00..=0x9FFF | 0xFF01..=0xFF9F),
                )
                .count();
            result == DecoderResult::InputEmpty && total > 0 && japanese * 10 >= total * 8
        })
        .map(|(endian, _)| endian)
}

/// How much of the file is examined for BOM-less UTF-16.
const UTF16_SAMPLE: usize = 4096;

/// If `bytes` (which contain a NUL) look like UTF-16 without a BOM, the
/// endianness ("LE" or "BE").
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static str> {
    let sample_len = bytes.len().min(UTF16_SAMPLE) & !1;
    let sample = bytes.get(..sample_len).unwrap_or_default();
    let (mut even, mut odd, mut pairs_with_nul) = (0usize, 0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        if let [a, b] = pair {
            even += usize::from(*a == 0);
            odd += usize::from(*b == 0);
            pairs_with_nul += usize::from(*a == 0 || *b == 0);
        }
    }
    let nuls = even + odd;
    // ASCII in UTF-16LE puts the NUL second (odd offset): "A" is 41 00.
    let (endian, encoding, dominant) = if odd >= even {
        ("LE", UTF_16LE, odd)
    } else {
        ("BE", UTF_16BE, even)
    };
    let pairs = sample.len() / 2;
    if pairs == 0 {
        return None;
    }
    let one_sided = dominant * 10 >= nuls * 9;
    if one_sided && pairs_with_nul * 4 > pairs {
        return Some(endian);
    }
    // Japanese UTF-16 has NULs only in its (few) ASCII characters, so fewer
    // pairs have one. Still call it UTF-16 when every NUL is on one side and
    // the sample reads as clean text in that byte order.
    let whole_file = sample.len() == bytes.len();
    if one_sided && dominant == nuls && is_clean_utf16(sample, encoding, whole_file) {
        return Some(endian);
    }
    // NULs on both sides: Japanese text with both ASCII (0A 00) and the
    // ideographic space U+3000 (00 30). Whichever order reads as clean text.
    [("LE", UTF_16LE), ("BE", UTF_16BE)]
        .into_iter()
        .find(|(_, enc)| is_clean_utf16(sample, enc, whole_file) && mostly_text(sample, enc))
        .map(|(endian, _)| endian)
}

/// Whether `sample` in `encoding` is mostly letters, kana and kanji (not
/// binary that happens to decode).
fn mostly_text(sample: &[u8], encoding: &'static Encoding) -> bool {
    let (text, _) = encoding.decode_without_bom_handling(sample);
    let total = text.chars().count();
    let letters = text
        .chars()
        .filter(|&c| {
            c.is_ascii_graphic()
                || c.is_whitespace()
                || matches!(c as u32, 0x3000..=0x30FF | 0x4E00..=0x9FFF | 0xFF01..=0xFF9F)
        })
        .count();
    total > 0 && letters * 10 >= total * 9
}

/// Whether `sample` decodes as `encoding` without errors and without
/// control characters other than the usual whitespace.
fn is_clean_utf16(sample: &[u8], encoding: &'static Encoding, last: bool) -> bool {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::new();
    let (result, _) = feed(&mut decoder, sample, &mut text, last);
    result == DecoderResult::InputEmpty
        && !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'))
}

/// Files that are UTF-8 apart from a few broken sequences are reported as
/// broken UTF-8; decoding them as Shift_JIS would produce mojibake.
fn mostly_utf8_error(bytes: &[u8], first: &std::str::Utf8Error) -> Option<DecodeError> {
    const MIN_VALID_MULTIBYTE: usize = 4;
    let mut valid_multibyte = 0usize;
    // Malformed sequences, counted as the decoder meets them.
    let mut events = 0usize;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                valid_multibyte += count_utf8_leads(valid.as_bytes());
                break;
            }
            Err(error) => {
                let (valid, after) = rest.split_at(error.valid_up_to());
                valid_multibyte += count_utf8_leads(valid);
                let bad = error.error_len().unwrap_or(after.len());
                events += 1;
                rest = after.get(bad..).unwrap_or_default();
            }
        }
    }
    // UTF-8 with a few broken characters (under 5%), or UTF-8 that breaks
    // less often than either legacy encoding would: Shift_JIS text read as
    // UTF-8 breaks at nearly every character.
    let utf8 = valid_multibyte >= MIN_VALID_MULTIBYTE
        && (events * 20 <= valid_multibyte
            || (events < count_errors(SHIFT_JIS, bytes) && events < count_errors(EUC_JP, bytes)));
    utf8.then(|| {
        let offset = first.valid_up_to();
        DecodeError::Invalid {
            encoding: UTF_8.name(),
            offset,
            len: first.error_len().unwrap_or(bytes.len() - offset),
        }
    })
}

fn count_utf8_leads(valid: &[u8]) -> usize {
    valid.iter().filter(|&&b| b >= 0xC0).count()
}

/// Decode non-UTF-8 bytes as Shift_JIS or EUC-JP.
fn decode_legacy(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    // ISO-2022-JP is 7-bit and has been handled already; these bytes are not.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"jp"), Utf8Detection::Allow);
    let guessed = guess == SHIFT_JIS || guess == EUC_JP;
    let first = if guessed {
        guess
    } else {
        // The detector thought of something non-Japanese (short or odd
        // input): take whichever Japanese encoding fits better, Shift_JIS
        // on a tie as it is by far the more common.
        fewer_errors(bytes, SHIFT_JIS)
    };
    let result = decode_strict(bytes, first, 0);
    if guessed && result.is_err() {
        // chardetng rules an encoding out at its first error, so a broken
        // EUC-JP file may be guessed as Shift_JIS; report the error in the
        // encoding that fits the file better.
        let other = if first == SHIFT_JIS {
            EUC_JP
        } else {
            SHIFT_JIS
        };
        if fewer_errors(bytes, first) == other {
            return decode_strict(bytes, other, 0);
        }
    }
    result
}

/// Shift_JIS or EUC-JP, whichever decodes `bytes` with fewer errors;
/// `tie` on a tie.
fn fewer_errors(bytes: &[u8], tie: &'static Encoding) -> &'static Encoding {
    let sjis = count_errors(SHIFT_JIS, bytes);
    let euc = count_errors(EUC_JP, bytes);
    if sjis < euc {
        SHIFT_JIS
    } else if euc < sjis {
        EUC_JP
    } else {
        tie
    }
}

/// Number of malformed sequences in `bytes` decoded as `encoding`.
fn count_errors(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut scratch = String::new();
    let mut rest = bytes;
    let mut errors = 0;
    // Every error consumes input, so there cannot be more errors than
    // bytes; the bound only guards against looping forever.
    while errors <= bytes.len() {
        scratch.clear();
        let (result, read) = feed(&mut decoder, rest, &mut scratch, true);
        rest = rest.get(read..).unwrap_or_default();
        match result {
            DecoderResult::Malformed(..) => errors += 1,
            DecoderResult::InputEmpty | DecoderResult::OutputFull => break,
        }
    }
    errors
}

/// Run `decoder` over `input`, appending to `text`. Returns the result
/// (`InputEmpty` or `Malformed`) and the number of bytes read.
fn feed(
    decoder: &mut Decoder,
    mut input: &[u8],
    text: &mut String,
    last: bool,
) -> (DecoderResult, usize) {
    // `decode_to_string*` initialises the String's whole spare capacity on
    // every call, which is quadratic when called per byte; a small buffer is
    // not.
    let mut buffer = [0u8; 256];
    let mut total = 0;
    loop {
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(input, &mut buffer, last);
        total += read;
        input = input.get(read..).unwrap_or_default();
        let output = buffer.get(..written).unwrap_or_default();
        match std::str::from_utf8(output) {
            Ok(output) => text.push_str(output),
            // The decoder only writes whole UTF-8 characters; should it not,
            // call the input malformed rather than trust it.
            Err(_) => return (DecoderResult::Malformed(1, 0), total),
        }
        // The buffer holds far more than one step's worth of output, so
        // `OutputFull` comes with progress; stop rather than spin if not.
        if result != DecoderResult::OutputFull || (read == 0 && written == 0) {
            return (result, total);
        }
    }
}

/// Decode `body` (the file after a BOM of `bom_len` bytes) one byte at a
/// time, so that each output character can be tied to the file bytes it
/// came from.
fn decode_stream(
    body: &[u8],
    bom_len: usize,
    encoding: &'static Encoding,
) -> Result<(String, FileOffsets), DecodeError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(body.len()),
    );
    let mut table = TableBuilder::default();
    // Only Shift_JIS and EUC-JP map ASCII bytes to themselves when nothing
    // is pending, which lets runs of ASCII be decoded in one call.
    let ascii_passthrough = encoding == SHIFT_JIS || encoding == EUC_JP;
    // Body offset where the bytes of the next output character begin.
    let mut seq_start = 0;
    let mut pos = 0;
    loop {
        let last = pos >= body.len();
        let rest = body.get(pos..).unwrap_or_default();
        let ascii_run = if ascii_passthrough && seq_start == pos {
            rest.iter().take_while(|b| b.is_ascii()).count()
        } else {
            0
        };
        let input = rest.get(..ascii_run.max(1)).unwrap_or_default();
        let before = text.len();
        let (result, read) = feed(&mut decoder, input, &mut text, last);
        let end = pos + read;
        if let DecoderResult::Malformed(bad, after) = result {
            // The malformed bytes end `after` bytes before the read position
            // and may have started in an earlier call.
            let bad_end = end.saturating_sub(usize::from(after));
            return Err(DecodeError::Invalid {
                encoding: encoding.name(),
                offset: bom_len + bad_end.saturating_sub(usize::from(bad)),
                len: usize::from(bad),
            });
        }
        if ascii_run > 0 {
            table.push_repeated(before, 1, bom_len + pos, 1, ascii_run);
            seq_start = end;
        } else if text.len() > before {
            table.push(
                before,
                text.len() - before,
                bom_len + seq_start,
                end - seq_start,
            );
            seq_start = end;
        } else if encoding == ISO_2022_JP && end >= 3 && body.get(end - 3) == Some(&ESC) {
            // A complete escape sequence (any ESC that is not one is an
            // error): the next character starts after it, not at the ESC.
            seq_start = end;
        }
        if last {
            break;
        }
        // Not the last call and no error, so all of `input` (>= 1 byte) was read.
        pos += input.len();
    }
    let offsets = FileOffsets {
        text_len: text.len(),
        file_len: bom_len + body.len(),
        map: Map::Table(table.runs),
    };
    Ok((text, offsets))
}

/// Maps a byte offset of the decoded UTF-8 text to the byte offset in the file.
#[derive(Clone)]
pub struct FileOffsets {
    text_len: usize,
    file_len: usize,
    map: Map,
}

#[derive(Clone)]
enum Map {
    /// UTF-8: the file is the text after `shift` bytes of BOM.
    Shift {
        shift: usize,
        /// Bit per text byte, set for UTF-8 continuation bytes, so that
        /// `from_file` can land on a char boundary without the text.
        continuation: Box<[u64]>,
    },
    /// Other encodings: runs of characters with the same byte lengths.
    Table(Vec<Run>),
}

/// `count` consecutive characters (or units of characters produced
/// together), each `text_len` bytes in the text and `file_len` in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    text: usize,
    file: usize,
    text_len: usize,
    file_len: usize,
    count: usize,
}

impl Run {
    fn text_end(&self) -> usize {
        self.text + self.count * self.text_len
    }
    fn file_end(&self) -> usize {
        self.file + self.count * self.file_len
    }
}

#[derive(Default)]
struct TableBuilder {
    runs: Vec<Run>,
}

impl TableBuilder {
    fn push(&mut self, text: usize, text_len: usize, file: usize, file_len: usize) {
        self.push_repeated(text, text_len, file, file_len, 1);
    }

    fn push_repeated(
        &mut self,
        text: usize,
        text_len: usize,
        file: usize,
        file_len: usize,
        count: usize,
    ) {
        if let Some(run) = self.runs.last_mut()
            && run.text_len == text_len
            && run.file_len == file_len
            && run.text_end() == text
            && run.file_end() == file
        {
            run.count += count;
            return;
        }
        self.runs.push(Run {
            text,
            file,
            text_len,
            file_len,
            count,
        });
    }
}

impl FileOffsets {
    /// The offsets of UTF-8 text that is its own file (a set's combined
    /// text, which no file holds).
    pub fn utf8(text: &str) -> FileOffsets {
        utf8_decoded(text, 0, text.len()).offsets
    }

    /// File byte offset where the character starting at `text_offset`
    /// begins; `text.len()` (or more) maps to the file length. An offset
    /// inside a character maps to that character's start.
    pub fn to_file(&self, text_offset: usize) -> usize {
        if text_offset >= self.text_len {
            return self.file_len;
        }
        match &self.map {
            Map::Shift {
                shift,
                continuation,
            } => char_start(continuation, text_offset) + shift,
            Map::Table(runs) => {
                let index = runs.partition_point(|run| run.text <= text_offset);
                let Some(run) = index.checked_sub(1).and_then(|i| runs.get(i)) else {
                    return self.file_len;
                };
                let k = (text_offset - run.text)
                    .checked_div(run.text_len)
                    .unwrap_or(0)
                    .min(run.count.saturating_sub(1));
                run.file + k * run.file_len
            }
        }
    }

    /// Text offset of the character whose bytes contain `file_offset`.
    /// Bytes that belong to no character (a BOM, an ISO-2022-JP escape
    /// sequence) map to the next character; the file length (or more) maps
    /// to `text.len()`.
    pub fn from_file(&self, file_offset: usize) -> usize {
        if file_offset >= self.file_len {
            return self.text_len;
        }
        match &self.map {
            Map::Shift {
                shift,
                continuation,
            } => char_start(continuation, file_offset.saturating_sub(*shift)),
            Map::Table(runs) => {
                let index = runs.partition_point(|run| run.file <= file_offset);
                let Some(run) = index.checked_sub(1).and_then(|i| runs.get(i)) else {
                    return 0;
                };
                let k = (file_offset - run.file)
                    .checked_div(run.file_len)
                    .unwrap_or(0);
                if k < run.count {
                    run.text + k * run.text_len
                } else {
                    run.text_end()
                }
            }
        }
    }

    /// Whether text offsets are file offsets (UTF-8 without BOM).
    pub fn is_identity(&self) -> bool {
        matches!(self.map, Map::Shift { shift: 0, .. })
    }
}

impl fmt::Debug for FileOffsets {
    // The table can be large; a summary is what is useful in a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("FileOffsets");
        s.field("text_len", &self.text_len)
            .field("file_len", &self.file_len);
        match &self.map {
            Map::Shift { shift, .. } => s.field("shift", shift),
            Map::Table(runs) => s.field("runs", &runs.len()),
        };
        s.finish()
    }
}

fn continuation_bits(text: &[u8]) -> Box<[u64]> {
    let mut bits = vec![0u64; text.len().div_ceil(64)];
    for (word, chunk) in bits.iter_mut().zip(text.chunks(64)) {
        for (i, &byte) in chunk.iter().enumerate() {
            if byte & 0xC0 == 0x80 {
                *word |= 1 << i;
            }
        }
    }
    bits.into_boxed_slice()
}

/// `offset` moved back to the start of the UTF-8 character it is in.
fn char_start(continuation: &[u64], mut offset: usize) -> usize {
    let is_continuation = |i: usize| {
        continuation
            .get(i / 64)
            .is_some_and(|word| (word >> (i % 64)) & 1 == 1)
    };
    while offset > 0 && is_continuation(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8]) -> Decoded {
        match decode(bytes) {
            Ok(decoded) => decoded,
            Err(error) => panic!("decode failed: {error}"),
        }
    }

    fn err(bytes: &[u8]) -> DecodeError {
        match decode(bytes) {
            Ok(decoded) => panic!("decoded as {}: {:?}", decoded.encoding, decoded.text),
            Err(error) => error,
        }
    }

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(
            !unmappable,
            "test text not encodable in {}",
            encoding.name()
        );
        bytes.into_owned()
    }

    /// Checks that `offsets` agrees with per-character file lengths given
    /// by `file_len_of` after a prefix of `start` bytes.
    fn check_table(
        text: &str,
        offsets: &FileOffsets,
        start: usize,
        file_len_of: impl Fn(char) -> usize,
    ) {
        let mut file = start;
        for (i, c) in text.char_indices() {
            assert_eq!(offsets.to_file(i), file, "to_file({i}) for {c:?}");
            for inside in file..file + file_len_of(c) {
                assert_eq!(offsets.from_file(inside), i, "from_file({inside})");
            }
            file += file_len_of(c);
        }
        assert_eq!(offsets.to_file(text.len()), file);
        assert_eq!(offsets.from_file(file), text.len());
    }

    const POLICY: &str = "株式会社サンプル（以下「当社」）は、〒100-6150 東京都千代田区に\r\n\
        本社を置き、会員ID（ＡＢＣ１２３）等を①の目的で利用します。ｶﾀｶﾅ表記。\n";

    #[test]
    fn utf8_without_bom_is_identity() {
        let decoded = ok("a\r\nあ\rb".as_bytes());
        assert_eq!(decoded.text, "a\r\nあ\rb");
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(!decoded.bom);
        assert!(decoded.offsets.is_identity());
        assert_eq!(decoded.offsets.to_file(3), 3);
        // Inside "あ" (bytes 3..6) maps back to its start, both ways.
        assert_eq!(decoded.offsets.to_file(5), 3);
        assert_eq!(decoded.offsets.from_file(4), 3);
        assert_eq!(decoded.offsets.from_file(5), 3);
        assert_eq!(decoded.offsets.from_file(6), 6);
        assert_eq!(decoded.offsets.from_file(100), decoded.text.len());
    }

    #[test]
    fn utf8_bom_shifts_by_three() {
        let decoded = ok(b"\xEF\xBB\xBF\xE3\x81\x82x");
        assert_eq!(decoded.text, "あx");
        assert!(decoded.bom);
        assert!(!decoded.offsets.is_identity());
        assert_eq!(decoded.offsets.to_file(0), 3);
        assert_eq!(decoded.offsets.to_file(3), 6);
        assert_eq!(decoded.offsets.to_file(4), 7);
        assert_eq!(decoded.offsets.from_file(0), 0);
        assert_eq!(decoded.offsets.from_file(2), 0);
        assert_eq!(decoded.offsets.from_file(5), 0);
        assert_eq!(decoded.offsets.from_file(6), 3);
    }

    #[test]
    fn utf8_bom_then_invalid_reports_file_offset() {
        assert_eq!(
            err(b"\xEF\xBB\xBFab\xFFc"),
            (DecodeError::Invalid {
                encoding: "UTF-8",
                offset: 5,
                len: 1
            })
        );
    }

    #[test]
    fn empty_input_is_empty_utf8() {
        let decoded = ok(b"");
        assert_eq!(decoded.text, "");
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.offsets.to_file(0), 0);
        assert_eq!(decoded.offsets.from_file(0), 0);
    }

    #[test]
    fn utf16le_table_counts_surrogate_pairs() {
        let text = "a𠮷b\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = ok(&bytes);
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.encoding, "UTF-16LE");
        // BOM bytes belong to no character: they map to the first one.
        assert_eq!(decoded.offsets.from_file(0), 0);
        assert_eq!(decoded.offsets.from_file(1), 0);
        check_table(text, &decoded.offsets, 2, |c| 2 * c.len_utf16());
    }

    #[test]
    fn utf16_lone_surrogate_and_odd_tail_are_invalid() {
        // BOM, 'a', lone high surrogate D842, 'b'.
        let lone = [0xFF, 0xFE, b'a', 0, 0x42, 0xD8, b'b', 0];
        match decode(&lone) {
            Err(DecodeError::Invalid {
                encoding: "UTF-16LE",
                offset: 4,
                ..
            }) => {}
            other => panic!("unexpected {other:?}"),
        }
        let odd = [0xFE, 0xFF, 0, b'a', 0];
        match decode(&odd) {
            Err(DecodeError::Invalid {
                encoding: "UTF-16BE",
                offset: 4,
                len: 1,
            }) => {}
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn shift_jis_table_matches_byte_lengths() {
        let bytes = encode(SHIFT_JIS, POLICY);
        let decoded = ok(&bytes);
        assert_eq!(decoded.encoding, "Shift_JIS");
        assert_eq!(decoded.text, POLICY);
        check_table(POLICY, &decoded.offsets, 0, |c| {
            if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                1
            } else {
                2
            }
        });
    }

    #[test]
    fn euc_jp_table_matches_byte_lengths() {
        // 丂 (U+4E02) is JIS X 0212 only: EUC-JP encodes it with SS3, but
        // the encoder cannot produce it, so build the bytes by hand.
        let mut bytes = encode(EUC_JP, POLICY);
        bytes.extend_from_slice(b"\x8F\xB0\xA1");
        let text = format!("{POLICY}丂");
        let decoded = ok(&bytes);
        assert_eq!(decoded.encoding, "EUC-JP");
        assert_eq!(decoded.text, text);
        check_table(&text, &decoded.offsets, 0, |c| match c {
            _ if c.is_ascii() => 1,
            '\u{FF61}'..='\u{FF9F}' => 2,
            '丂' => 3,
            _ => 2,
        });
    }

    #[test]
    fn iso_2022_jp_escapes_belong_to_no_character() {
        let bytes = b"ab\x1B$B$\"$$\x1B(Bc";
        let decoded = ok(bytes);
        assert_eq!(decoded.encoding, "ISO-2022-JP");
        assert_eq!(decoded.text, "abあいc");
        let offsets = &decoded.offsets;
        let expected_to_file = [(0, 0), (1, 1), (2, 5), (5, 7), (8, 12), (9, 13)];
        for (text, file) in expected_to_file {
            assert_eq!(offsets.to_file(text), file, "to_file({text})");
        }
        // ESC $ B (2..5) maps to the character after it, as does ESC ( B.
        let expected_from_file = [(2, 2), (4, 2), (5, 2), (6, 2), (7, 5), (9, 8), (11, 8)];
        for (file, text) in expected_from_file {
            assert_eq!(offsets.from_file(file), text, "from_file({file})");
        }
        assert_eq!(offsets.from_file(13), 9);
    }

    #[test]
    fn ascii_with_escape_but_broken_jis_is_invalid_iso_2022_jp() {
        // A newline is not allowed inside JIS X 0208 mode.
        assert_eq!(
            err(b"x\x1B$B$\"\n"),
            (DecodeError::Invalid {
                encoding: "ISO-2022-JP",
                offset: 6,
                len: 1
            })
        );
    }

    #[test]
    fn shift_jis_bad_trail_byte_offset() {
        let mut bytes = encode(SHIFT_JIS, POLICY);
        let at = bytes.len() / 2;
        // Step back to a character boundary so the lead byte is seen as one.
        let at = decode_with(&bytes, SHIFT_JIS)
            .map(|d| d.offsets.to_file(d.offsets.from_file(at)))
            .unwrap_or(at);
        bytes.splice(at..at, [0x82, 0x20]);
        assert_eq!(
            err(&bytes),
            (DecodeError::Invalid {
                encoding: "Shift_JIS",
                offset: at,
                len: 1
            })
        );
    }

    #[test]
    fn truncated_multibyte_at_end_is_invalid() {
        let mut bytes = encode(EUC_JP, POLICY);
        bytes.push(0xA4);
        let at = bytes.len() - 1;
        assert_eq!(
            err(&bytes),
            (DecodeError::Invalid {
                encoding: "EUC-JP",
                offset: at,
                len: 1
            })
        );
    }

    #[test]
    fn nul_bytes_binary_or_utf16_without_bom() {
        assert_eq!(
            err(b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR"),
            (DecodeError::Binary { offset: 8 })
        );
        assert_eq!(err(b"\0"), (DecodeError::Binary { offset: 0 }));
        // One NUL on the "wrong" side (U+0100 is 00 01 in LE) still leaves
        // them mostly on one side.
        let mostly: Vec<u8> = "Privacy Āpolicy\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(err(&mostly), DecodeError::Utf16WithoutBom { endian: "LE" });
        let le: Vec<u8> = "Privacy policy\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(err(&le), (DecodeError::Utf16WithoutBom { endian: "LE" }));
        let be: Vec<u8> = "Privacy policy\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(err(&be), (DecodeError::Utf16WithoutBom { endian: "BE" }));
    }

    #[test]
    fn a_stray_nul_in_utf8_text_is_located_not_binary() {
        let mut bytes = "プライバシーポリシー\n当社は個人情報を取り扱います。\n"
            .as_bytes()
            .to_vec();
        bytes.insert(31, 0);
        assert_eq!(err(&bytes), DecodeError::Nul { offset: 31 });
        assert_eq!(
            DecodeError::Nul { offset: 31 }.located(),
            Some(("UTF-8", 31))
        );
        // Many NULs, or other control bytes: binary.
        let many = [b"text".as_slice(), &[0; 8], b"more"].concat();
        assert!(matches!(err(&many), DecodeError::Binary { .. }));
        let png = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
        assert!(matches!(err(png), DecodeError::Binary { offset: 8 }));
    }

    #[test]
    fn japanese_utf16_with_nuls_on_both_sides_or_none() {
        // U+3000 is 00 30 in LE, "\n" is 0A 00: NULs on both sides.
        let text = "個人情報保護方針\n\u{3000}当社は、以下のとおり定めます。\n第1条\u{3000}目的\n";
        for bytes in [
            text.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>(),
            text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ] {
            assert!(
                matches!(err(&bytes), DecodeError::Utf16WithoutBom { .. }),
                "{bytes:?}"
            );
        }
        // No ASCII at all: no NUL byte anywhere.
        let pure = "個人情報の取扱いについて当社は適切に管理します";
        let le: Vec<u8> = pure.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(!le.contains(&0));
        assert_eq!(err(&le), DecodeError::Utf16WithoutBom { endian: "LE" });
    }

    #[test]
    fn japanese_utf16_without_bom_few_nuls() {
        // Only the newlines and digits have a NUL byte: well under 25%.
        let text = "個人情報保護方針について当社は以下のとおり定めます。\n第1条\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let nul_pairs = le.chunks(2).filter(|p| p.contains(&0)).count();
        assert!(nul_pairs * 4 < le.len() / 2);
        assert_eq!(err(&le), (DecodeError::Utf16WithoutBom { endian: "LE" }));
    }

    #[test]
    fn mostly_utf8_with_one_bad_byte_is_invalid_utf8() {
        let mut bytes = POLICY.repeat(3).into_bytes();
        // At a character boundary, so the error starts exactly there.
        let at = POLICY.len() + 6;
        bytes.insert(at, 0xFF);
        assert_eq!(
            err(&bytes),
            (DecodeError::Invalid {
                encoding: "UTF-8",
                offset: at,
                len: 1
            })
        );
    }

    #[test]
    fn few_utf8_sequences_fall_back_to_legacy() {
        // "ｱ" in Shift_JIS is B1, not UTF-8; with no valid multibyte UTF-8
        // at all this must not be called broken UTF-8.
        let decoded = ok(b"abc\xB1");
        assert_eq!(decoded.encoding, "Shift_JIS");
        assert_eq!(decoded.text, "abcｱ");
    }

    #[test]
    fn error_count_prefers_the_fitting_encoding() {
        let sjis = encode(SHIFT_JIS, POLICY);
        let euc = encode(EUC_JP, POLICY);
        assert_eq!(count_errors(SHIFT_JIS, &sjis), 0);
        assert!(count_errors(EUC_JP, &sjis) > 0);
        assert_eq!(count_errors(EUC_JP, &euc), 0);
        // Both fail once on 0xFF: the tie-breaker decides.
        assert_eq!(fewer_errors(b"\xFF", SHIFT_JIS), SHIFT_JIS);
        assert_eq!(fewer_errors(b"\xFF", EUC_JP), EUC_JP);
        assert_eq!(fewer_errors(&euc, SHIFT_JIS), EUC_JP);
        assert_eq!(fewer_errors(&sjis, EUC_JP), SHIFT_JIS);
    }

    #[test]
    fn runs_merge_only_when_contiguous_and_alike() {
        let mut table = TableBuilder::default();
        table.push(0, 3, 0, 2);
        table.push(3, 3, 2, 2);
        table.push(6, 1, 4, 1);
        table.push_repeated(7, 1, 5, 1, 4);
        // A gap in the file (an escape sequence) starts a new run.
        table.push(11, 3, 12, 2);
        assert_eq!(table.runs.len(), 3);
        assert_eq!((table.runs[0].count, table.runs[1].count), (2, 5));
        assert_eq!(table.runs[2].file, 12);
    }

    #[test]
    fn decode_with_skips_only_its_own_bom() {
        let decoded = decode_with(b"\xEF\xBB\xBFabc", UTF_8);
        assert!(matches!(decoded, Ok(Decoded { ref text, bom: true, .. }) if text == "abc"));
        // For Shift_JIS the UTF-8 BOM bytes are data (EF BB is an unmapped
        // pair), not a BOM to skip.
        assert_eq!(
            decode_with(b"\xEF\xBB\xBFabc", SHIFT_JIS).err(),
            Some(DecodeError::Invalid {
                encoding: "Shift_JIS",
                offset: 0,
                len: 2
            })
        );
    }

    #[test]
    fn large_shift_jis_file_is_fast_and_exact() {
        let text = POLICY.repeat(1 << 20 >> 8);
        let bytes = encode(SHIFT_JIS, &text);
        assert!(bytes.len() > 1 << 20 >> 1);
        let started = std::time::Instant::now();
        let decoded = ok(&bytes);
        let elapsed = started.elapsed();
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.offsets.to_file(text.len()), bytes.len());
        // Generous for unoptimised builds; release is far faster.
        assert!(elapsed.as_secs_f64() < 5.0, "took {elapsed:?}");
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Characters that survive an encode/decode round trip in
        /// `encoding` on their own (and so in any string, the encodings
        /// being stateless); NUL would make the file binary.
        fn round_trips(encoding: &'static Encoding, c: char) -> bool {
            let s = c.to_string();
            let (bytes, _, unmappable) = encoding.encode(&s);
            c != '\0' && !unmappable && encoding.decode_without_bom_handling(&bytes).0 == s.as_str()
        }

        fn japanese_string(encoding: &'static Encoding) -> impl Strategy<Value = String> {
            let c = prop_oneof![
                2 => any::<char>(),
                3 => prop::char::range(' ', '~'),
                3 => prop::char::range('\u{3041}', '\u{30FA}'),
                3 => prop::char::range('\u{4E00}', '\u{9FA0}'),
                2 => prop::char::range('\u{FF01}', '\u{FF9F}'),
                1 => prop::char::range('\u{2460}', '\u{2473}'),
                1 => prop_oneof![Just('\r'), Just('\n'), Just('\u{80}')],
            ];
            prop::collection::vec(c, 0..80).prop_map(move |chars| {
                chars
                    .into_iter()
                    .filter(|&c| round_trips(encoding, c))
                    .collect()
            })
        }

        fn check_against_encoder(encoding: &'static Encoding, s: &str) {
            let (bytes, _, _) = encoding.encode(s);
            let decoded = decode_with(&bytes, encoding);
            let Ok(decoded) = decoded else {
                panic!("{decoded:?}");
            };
            assert_eq!(decoded.text, s);
            for (i, _) in s.char_indices().chain([(s.len(), ' ')]) {
                let file = encoding.encode(&s[..i]).0.len();
                assert_eq!(decoded.offsets.to_file(i), file, "to_file({i})");
                assert_eq!(decoded.offsets.from_file(file), i, "from_file({file})");
            }
        }

        proptest! {
            #[test]
            fn shift_jis_offsets_match_encoder(s in japanese_string(SHIFT_JIS)) {
                check_against_encoder(SHIFT_JIS, &s);
            }

            #[test]
            fn euc_jp_offsets_match_encoder(s in japanese_string(EUC_JP)) {
                check_against_encoder(EUC_JP, &s);
            }

            #[test]
            fn utf8_from_file_lands_on_char_starts(s in any::<String>(), bom in any::<bool>()) {
                let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
                bytes.extend_from_slice(s.as_bytes());
                let Ok(decoded) = decode_with(&bytes, UTF_8) else {
                    panic!("valid UTF-8 rejected");
                };
                let shift = if bom { 3 } else { 0 };
                for file in 0..=bytes.len() {
                    // The start of the character holding the byte.
                    let mut expected = file.saturating_sub(shift);
                    while !decoded.text.is_char_boundary(expected) {
                        expected -= 1;
                    }
                    prop_assert_eq!(decoded.offsets.from_file(file), expected);
                }
            }

            /// Whatever the bytes, decoding does not panic and a success
            /// maps the text monotonically onto the whole file.
            #[test]
            fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
                if let Ok(decoded) = decode(&bytes) {
                    let offsets = &decoded.offsets;
                    let mut previous = 0;
                    for (i, _) in decoded.text.char_indices() {
                        let file = offsets.to_file(i);
                        prop_assert!(i == 0 || file > previous);
                        prop_assert_eq!(offsets.from_file(file), i);
                        previous = file;
                    }
                    prop_assert_eq!(offsets.to_file(decoded.text.len()), bytes.len());
                    prop_assert_eq!(offsets.from_file(bytes.len()), decoded.text.len());
                }
            }
        }
    }
}
