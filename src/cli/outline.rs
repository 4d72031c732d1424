//! `policylint outline FILE...`

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::stderr_color;
use crate::{Error, Outcome};
use policylint::document::Document;
use policylint::report::{input, outline};
use policylint::source::DEFAULT_MAX_FILE_SIZE;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum OutlineFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct OutlineArgs {
    /// Files to outline.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: OutlineFormat,
    /// Show sentence nodes in the text outline (JSON always has them).
    #[arg(long)]
    sentences: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// Configuration file (default: policylint.toml here or in a parent
    /// directory): its `[context]` settings are shown applied.
    #[arg(long)]
    config: Option<PathBuf>,
}

pub(crate) fn run(args: &OutlineArgs) -> Result<Outcome, Error> {
    let mut failed = false;
    let mut json = Vec::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let color = stderr_color();
    let config = super::check::load_config(args.config.as_deref())?;
    for path in &args.files {
        let loaded = Document::load(path, args.max_file_size).map(|mut doc| {
            doc.context = config.settings.for_path(path).context(&doc.context);
            doc
        });
        match loaded {
            Ok(doc) => match args.format {
                OutlineFormat::Text => {
                    let text = outline::render_text(
                        &doc,
                        outline::TextOptions {
                            sentences: args.sentences,
                        },
                    );
                    if out.write_all(text.as_bytes()).is_err() {
                        // stdout closed (a pipe to `head`): stop quietly.
                        break;
                    }
                }
                OutlineFormat::Json => json.push(outline::to_json(&doc)),
            },
            Err(e) => {
                eprint!("{}", input::render(&e, color));
                failed = true;
            }
        }
    }
    if let OutlineFormat::Json = args.format {
        let value = serde_json::Value::Array(json);
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        let _ = writeln!(out, "{text}");
    }
    if failed {
        Err(Error::Input(String::new()))
    } else {
        Ok(Outcome::Clean)
    }
}
