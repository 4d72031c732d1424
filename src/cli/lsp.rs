//! `policylint lsp`: a Language Server Protocol server over standard input
//! and output, so that editors show findings as the text is typed.
//!
//! Built on `lsp-server` (rust-analyzer's scaffold): a synchronous loop
//! over crossbeam channels. Checking is CPU-bound; it runs on one worker
//! thread of its own, so the loop keeps answering (hover, code actions,
//! shutdown) while a document is checked, and no async runtime is needed.
//!
//! Each change of a document waits [`DEBOUNCE`] for the next one; then the
//! worker checks the latest text (of several jobs waiting for one document,
//! only the last runs), and a result for a version the editor has already
//! replaced is dropped. A panic in a check is caught and shown as one
//! diagnostic on that document.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use crossbeam_channel::{Receiver, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    Diagnostic, DiagnosticSeverity, Hover, HoverContents, Location, MarkupContent, MarkupKind,
    NumberOrString, Position, PositionEncodingKind, PublishDiagnosticsParams, Uri,
};
use serde_json::{Value, json};

use super::config::{Config, ConfigError, FILE_NAME, by_position};
use super::lsp_rules;
use crate::{Error, Outcome};
use policylint::document::{DirectiveKind, Format, comment_line};
use policylint::engine::{Engine, FileResult, Settings, What};
use policylint::report::i18n::Texts;
use policylint::report::lsp as report;
use policylint::rules::{Lang, Loader, RuleSet};
use policylint::source::walk::Filter;
use policylint::text::lsp::{LspText, PositionEncoding};

/// How long a change waits for the next before the document is checked.
const DEBOUNCE: Duration = Duration::from_millis(200);

#[derive(Debug, Args)]
pub(crate) struct LspArgs {
    /// Talk over standard input and output (the only transport; accepted
    /// because editors' generic clients pass it).
    #[arg(long)]
    stdio: bool,
}

pub(crate) fn run(_args: &LspArgs) -> Result<Outcome, Error> {
    let (conn, io) = Connection::stdio();
    let served = serve(&conn);
    // The writer thread ends once every sender is gone.
    drop(conn);
    let joined = io.join();
    served.map_err(|e| Error::Input(format!("error: lsp: {e}\n")))?;
    joined.map_err(|e| Error::Input(format!("error: lsp: {e}\n")))?;
    Ok(Outcome::Clean)
}

/// What the server knows of the rules and the configuration.
struct Checker {
    /// None only before the first load, or if not even the built-in pack
    /// compiles.
    rules: Option<RuleSet>,
    settings: Settings,
    lang: Lang,
    /// The configuration's include and exclude globs (None: they do not
    /// compile; every known format is checked).
    filter: Option<Filter>,
}

/// What a document is to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Policy,
    Rules,
    Config,
    /// Neither included by the configuration nor a rule file: no findings.
    Other,
}

struct Doc {
    uri: Uri,
    path: PathBuf,
    version: i32,
    text: Arc<String>,
    /// The latest check of this document, with the version it was of.
    checked: Option<(i32, Arc<FileResult>)>,
}

struct Job {
    key: String,
    uri: Uri,
    path: PathBuf,
    version: i32,
    kind: Kind,
    text: Arc<String>,
    checker: Arc<Checker>,
    encoding: PositionEncoding,
    /// The open rule buffers, for a rule file's imports.
    open: lsp_rules::Overlay,
}

struct Done {
    key: String,
    version: i32,
    diagnostics: Vec<Diagnostic>,
    result: Option<FileResult>,
}

struct Server<'c> {
    conn: &'c Connection,
    encoding: PositionEncoding,
    snippets: bool,
    root: PathBuf,
    checker: Arc<Checker>,
    docs: HashMap<String, Doc>,
    /// Documents waiting for their debounce to end.
    pending: HashMap<String, Instant>,
    jobs: Sender<Job>,
    /// The configuration file diagnostics were last published for.
    config_uri: Option<Uri>,
    next_request: i32,
}

/// The encoding to use of those the client offers: UTF-8 when offered (no
/// conversion), else UTF-16, which every client supports.
fn negotiate(params: &Value) -> PositionEncoding {
    let offered = params
        .pointer("/capabilities/general/positionEncodings")
        .and_then(Value::as_array);
    match offered {
        Some(list) if list.iter().any(|e| e.as_str() == Some("utf-8")) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

fn capabilities(encoding: PositionEncoding) -> Value {
    let kind = match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
    };
    json!({
        "positionEncoding": kind,
        // Whole texts: a policy is small, and a full text cannot drift.
        "textDocumentSync": { "openClose": true, "change": 1, "save": { "includeText": false } },
        "hoverProvider": true,
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
        "definitionProvider": true,
    })
}

/// The folder the configuration is looked for from: the first workspace
/// folder, else the root URI, else the working directory.
fn root(params: &Value) -> PathBuf {
    let uri = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.pointer("/rootUri"))
        .and_then(Value::as_str);
    uri.and_then(path_of_str)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The path of a `file:` URI (percent-decoded); None for another scheme.
fn path_of_str(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file://host/path` names a host; only the local one is a path here.
    let path = &rest[rest.find('/')?..];
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).and_then(|&b| hex(b)),
            bytes.get(i + 2).and_then(|&b| hex(b)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

fn path_of(uri: &Uri) -> PathBuf {
    path_of_str(uri.as_str()).unwrap_or_else(|| PathBuf::from(uri.path().as_str()))
}

/// The `file:` URI of an absolute path.
fn uri_of(path: &Path) -> Option<Uri> {
    let abs = std::path::absolute(path).ok()?;
    let mut s = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse().ok()
}

fn kind_of(path: &Path, checker: &Checker) -> Kind {
    if path.file_name().is_some_and(|n| n == FILE_NAME) {
        return Kind::Config;
    }
    if path.extension().is_some_and(|e| e == "rules") {
        return Kind::Rules;
    }
    match &checker.filter {
        Some(f) if f.excluded(path, false).is_some() => Kind::Other,
        Some(f) if f.included(path) => Kind::Policy,
        Some(_) => Kind::Other,
        None => Kind::Policy,
    }
}

/// Run the server on a connection until the client asks it to exit.
pub(crate) fn serve(conn: &Connection) -> Result<(), String> {
    let (id, params) = conn.initialize_start().map_err(|e| e.to_string())?;
    let encoding = negotiate(&params);
    let snippets = params
        .pointer("/capabilities/workspace/workspaceEdit/snippetEditSupport")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let result = json!({
        "capabilities": capabilities(encoding),
        "serverInfo": { "name": "policylint", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)
        .map_err(|e| e.to_string())?;
    let root = root(&params);
    let (jobs, job_rx) = crossbeam_channel::unbounded::<Job>();
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<Done>();
    let worker = std::thread::Builder::new()
        .name("policylint-check".into())
        .spawn(move || work(&job_rx, &done_tx))
        .map_err(|e| format!("cannot start the checker thread: {e}"))?;
    let mut server = Server {
        conn,
        encoding,
        snippets,
        root,
        checker: Arc::new(Checker {
            rules: None,
            settings: Settings::default(),
            lang: Lang::default(),
            filter: None,
        }),
        docs: HashMap::new(),
        pending: HashMap::new(),
        jobs,
        config_uri: None,
        next_request: 0,
    };
    server.reload();
    server.watch(&params);
    let served = server.main_loop(&done_rx);
    // The worker ends when its job channel closes.
    drop(server);
    let _ = worker.join();
    served
}

/// The worker: checks each job, the latest of each document's only.
fn work(jobs: &Receiver<Job>, done: &Sender<Done>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        batch.extend(jobs.try_iter());
        let mut latest: Vec<Job> = Vec::new();
        for j in batch {
            latest.retain(|k| k.key != j.key);
            latest.push(j);
        }
        for job in latest {
            let (diagnostics, result) = match catch_unwind(AssertUnwindSafe(|| check(&job))) {
                Ok(out) => out,
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    (
                        vec![internal(&format!(
                            "policylint failed on this document (a bug; please report it): {what}"
                        ))],
                        None,
                    )
                }
            };
            let sent = done.send(Done {
                key: job.key,
                version: job.version,
                diagnostics,
                result,
            });
            if sent.is_err() {
                return;
            }
        }
    }
}

fn internal(message: &str) -> Diagnostic {
    Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("policylint/internal".into())),
        source: Some(report::SOURCE.into()),
        message: message.to_string(),
        ..Diagnostic::default()
    }
}

/// One document's diagnostics (and, for a policy, the result they came from).
fn check(job: &Job) -> (Vec<Diagnostic>, Option<FileResult>) {
    let text = LspText::new(&job.text, job.encoding);
    match job.kind {
        Kind::Policy => {
            let c = &job.checker;
            let Some(rules) = &c.rules else {
                return (
                    vec![internal(
                        "no rules are loaded: see policylint.toml's diagnostics",
                    )],
                    None,
                );
            };
            let engine = Engine::new(rules, c.settings.clone());
            let result = engine.check_bytes(&job.path, job.text.as_bytes());
            let texts = Texts::new(rules, c.lang);
            (
                report::diagnostics(&result, &text, &job.uri, &texts),
                Some(result),
            )
        }
        Kind::Rules => {
            let diagnostics = lsp_rules::diagnostics(&job.path, &job.text, &job.open)
                .into_iter()
                .map(|d| Diagnostic {
                    range: report::range(&text, d.span.start, d.span.end),
                    severity: Some(DiagnosticSeverity::ERROR),
                    code: Some(NumberOrString::String(d.code.to_string())),
                    source: Some(report::SOURCE.into()),
                    message: match d.help {
                        Some(h) => format!("{}\n{h}", d.message),
                        None => d.message,
                    },
                    ..Diagnostic::default()
                })
                .collect();
            (diagnostics, None)
        }
        // The configuration is checked where it is loaded (`reload`).
        Kind::Config | Kind::Other => (Vec::new(), None),
    }
}

fn config_diagnostic(text: Option<&LspText<'_>>, e: &ConfigError) -> Diagnostic {
    let range = match (text, &e.span) {
        (Some(t), Some(s)) => report::range(t, s.start, s.end),
        _ => lsp_types::Range::default(),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("policylint/config".into())),
        source: Some(report::SOURCE.into()),
        message: match &e.help {
            Some(h) => format!("{}\n{h}", e.message),
            None => e.message.clone(),
        },
        ..Diagnostic::default()
    }
}

impl Server<'_> {
    fn send(&self, m: impl Into<Message>) -> Result<(), String> {
        self.conn.sender.send(m.into()).map_err(|e| e.to_string())
    }

    fn publish(&self, uri: Uri, version: Option<i32>, diagnostics: Vec<Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let _ = self.send(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        ));
    }

    /// Ask the client to tell of changes to configurations and rule files
    /// on disk (a client that cannot says so in its answer; nothing is lost
    /// but the reload on a change made outside the editor).
    fn watch(&mut self, params: &Value) {
        let dynamic = params
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        self.next_request += 1;
        let req = Request::new(
            RequestId::from(format!("policylint-watch-{}", self.next_request)),
            "client/registerCapability".into(),
            json!({ "registrations": [{
                "id": "policylint-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [
                    { "globPattern": format!("**/{FILE_NAME}") },
                    { "globPattern": "**/*.rules" },
                ]},
            }]}),
        );
        let _ = self.send(req);
    }

    /// The open buffer of `path`, if the editor holds it.
    /// The open rule buffers (imports read them before the disk).
    fn open_rules(&self) -> lsp_rules::Overlay {
        lsp_rules::Overlay::new(
            self.docs
                .values()
                .filter(|d| d.path.extension().is_some_and(|e| e == "rules"))
                .map(|d| (d.path.clone(), d.text.clone())),
        )
    }

    fn overlay(&self, path: &Path) -> Option<Arc<String>> {
        self.docs
            .values()
            .find(|d| d.path == path)
            .map(|d| d.text.clone())
    }

    /// Load the configuration (the editor's buffer of it when open) and the
    /// rules it names; show its errors on it; check every open document
    /// again.
    fn reload(&mut self) {
        let found = Config::discover(&self.root);
        let (mut config, mut errs, text) = match &found {
            Some(p) => match self.overlay(p) {
                Some(t) => {
                    let dir = p.parent().unwrap_or(Path::new("."));
                    let (mut c, e) = Config::parse(&p.display().to_string(), t.to_string(), dir);
                    c.path = Some(p.clone());
                    (c, e, Some(t.to_string()))
                }
                None => {
                    let (c, e) = Config::load(p);
                    let t = std::fs::read_to_string(p).ok();
                    (c, e, t)
                }
            },
            None => (Config::default(), Vec::new(), None),
        };
        let project = found
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(&self.root)
            .to_path_buf();
        let compile = |builtin: bool, packs: &[PathBuf]| {
            let mut loader = Loader::new().with_project(&project);
            if builtin {
                loader.add_builtin();
            }
            let mut failed = Vec::new();
            for p in packs {
                if let Err(e) = loader.add_path(p) {
                    failed.push(e);
                }
            }
            (loader.compile(), failed)
        };
        let (compiled, failed) = compile(config.builtin, &config.packs);
        let plain = ConfigError::unlocated;
        errs.extend(failed.into_iter().map(plain));
        let rules = match compiled {
            Ok(set) => Some(set),
            Err(rule_errs) => {
                for e in &rule_errs {
                    errs.push(plain(format!("{}: {}", e.file(), e.error.message)));
                }
                // The built-in rules still check the policies meanwhile.
                compile(true, &[]).0.ok()
            }
        };
        if let Some(set) = &rules {
            errs.extend(config.check_rule_ids(set));
        }
        let errs = by_position(errs);
        if let Some(p) = &found
            && let Some(uri) = uri_of(p)
        {
            let t = text.as_deref().map(|t| LspText::new(t, self.encoding));
            let diags = errs
                .iter()
                .map(|e| config_diagnostic(t.as_ref(), e))
                .collect();
            self.publish(uri.clone(), None, diags);
            self.config_uri = Some(uri);
        } else if let Some(old) = self.config_uri.take() {
            self.publish(old, None, Vec::new());
        }
        let s = &config.settings;
        let filter = Filter::new(&s.base_dir, &s.include, &s.exclude).ok();
        config.settings.max_diagnostics = config.settings.max_diagnostics.max(1);
        self.checker = Arc::new(Checker {
            rules,
            lang: config.lang.unwrap_or_default(),
            settings: config.settings,
            filter,
        });
        // Every open document again, but the configuration: that would
        // load it again, and again.
        let now = Instant::now();
        for (key, doc) in &self.docs {
            if kind_of(&doc.path, &self.checker) != Kind::Config {
                self.pending.insert(key.clone(), now);
            }
        }
    }

    fn main_loop(&mut self, done: &Receiver<Done>) -> Result<(), String> {
        loop {
            let wait = self
                .pending
                .values()
                .min()
                .map(|t| t.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_secs(3600));
            select! {
                recv(self.conn.receiver) -> msg => {
                    let Ok(msg) = msg else { return Ok(()) };
                    match msg {
                        Message::Request(req) => {
                            if req.method == "shutdown" {
                                self.send(Response::new_ok(req.id, ()))?;
                                // Then `exit`; a client that closes the
                                // stream instead has ended as well.
                                // Anything else before it is read and let go,
                                // so that the reader thread is never left
                                // holding a message no one takes.
                                let until = Instant::now() + Duration::from_secs(30);
                                while let Ok(m) = self.conn.receiver.recv_deadline(until) {
                                    if matches!(&m, Message::Notification(n) if n.method == "exit") {
                                        break;
                                    }
                                }
                                return Ok(());
                            }
                            self.request(req)?;
                        }
                        Message::Notification(n) => self.notification(n),
                        Message::Response(_) => {}
                    }
                }
                recv(done) -> d => {
                    if let Ok(d) = d {
                        self.finished(d);
                    }
                }
                default(wait) => {}
            }
            self.start_due();
        }
    }

    /// Send the documents whose debounce has ended to the worker.
    fn start_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .pending
            .iter()
            .filter(|(_, t)| **t <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.pending.remove(&key);
            let Some(doc) = self.docs.get(&key) else {
                continue;
            };
            let kind = kind_of(&doc.path, &self.checker);
            if kind == Kind::Config {
                self.reload();
                continue;
            }
            let _ = self.jobs.send(Job {
                key,
                uri: doc.uri.clone(),
                path: doc.path.clone(),
                version: doc.version,
                kind,
                text: doc.text.clone(),
                checker: self.checker.clone(),
                encoding: self.encoding,
                open: self.open_rules(),
            });
        }
    }

    fn finished(&mut self, d: Done) {
        let Some(doc) = self.docs.get_mut(&d.key) else {
            return;
        };
        // Results for a text the editor has replaced are of no use.
        if doc.version != d.version {
            return;
        }
        doc.checked = d.result.map(|r| (d.version, Arc::new(r)));
        let uri = doc.uri.clone();
        self.publish(uri, Some(d.version), d.diagnostics);
    }

    fn notification(&mut self, n: Notification) {
        let p = &n.params;
        let uri = p
            .pointer("/textDocument/uri")
            .and_then(Value::as_str)
            .map(str::to_string);
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let (Some(key), Some(text)) =
                    (uri, p.pointer("/textDocument/text").and_then(Value::as_str))
                else {
                    return;
                };
                let Ok(parsed) = key.parse::<Uri>() else {
                    return;
                };
                let version = p
                    .pointer("/textDocument/version")
                    .and_then(Value::as_i64)
                    .unwrap_or(0) as i32;
                let path = path_of(&parsed);
                self.docs.insert(
                    key.clone(),
                    Doc {
                        uri: parsed,
                        path,
                        version,
                        text: Arc::new(text.to_string()),
                        checked: None,
                    },
                );
                // Opening is checked at once; typing waits for a pause.
                self.pending.insert(key, Instant::now());
            }
            "textDocument/didChange" => {
                let Some(key) = uri else { return };
                let version = p.pointer("/textDocument/version").and_then(Value::as_i64);
                // Full sync: the last change holds the whole text.
                let text = p
                    .pointer("/contentChanges")
                    .and_then(Value::as_array)
                    .and_then(|c| c.last())
                    .and_then(|c| c.get("text"))
                    .and_then(Value::as_str);
                let (Some(doc), Some(text)) = (self.docs.get_mut(&key), text) else {
                    return;
                };
                doc.version = version.map_or(doc.version + 1, |v| v as i32);
                doc.text = Arc::new(text.to_string());
                self.pending.insert(key, Instant::now() + DEBOUNCE);
            }
            "textDocument/didSave" => {
                let Some(key) = uri else { return };
                if self
                    .docs
                    .get(&key)
                    .is_some_and(|d| d.path.file_name().is_some_and(|n| n == FILE_NAME))
                {
                    self.reload();
                }
            }
            "textDocument/didClose" => {
                let Some(key) = uri else { return };
                self.pending.remove(&key);
                if let Some(doc) = self.docs.remove(&key)
                    && kind_of(&doc.path, &self.checker) != Kind::Config
                {
                    self.publish(doc.uri, None, Vec::new());
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let changes = p.pointer("/changes").and_then(Value::as_array);
                let touched = changes.is_some_and(|c| {
                    c.iter()
                        .filter_map(|c| c.get("uri").and_then(Value::as_str))
                        .any(|u| u.ends_with(&format!("/{FILE_NAME}")) || u.ends_with(".rules"))
                });
                if touched {
                    self.reload();
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) -> Result<(), String> {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "textDocument/hover" => Ok(self.hover(&req.params)),
            "textDocument/codeAction" => Ok(self.code_actions(&req.params)),
            "textDocument/definition" => Ok(self.definition(&req.params)),
            m => Err(format!("policylint lsp does not handle {m}")),
        };
        let resp = match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(id, ErrorCode::MethodNotFound as i32, e),
        };
        self.send(resp)
    }

    /// The document and the byte offset a request points at.
    fn at(&self, params: &Value, pointer: &str) -> Option<(&Doc, usize)> {
        let key = params.pointer("/textDocument/uri")?.as_str()?;
        let doc = self.docs.get(key)?;
        let pos: Position = serde_json::from_value(params.pointer(pointer)?.clone()).ok()?;
        let offset = LspText::new(&doc.text, self.encoding).offset(pos.line, pos.character);
        Some((doc, offset))
    }

    /// The latest result of a document, if it is of its current text.
    fn current<'d>(&self, doc: &'d Doc) -> Option<&'d FileResult> {
        match &doc.checked {
            Some((v, r)) if *v == doc.version => Some(r),
            _ => None,
        }
    }

    fn hover(&self, params: &Value) -> Value {
        let Some((doc, offset)) = self.at(params, "/position") else {
            return Value::Null;
        };
        let text = LspText::new(&doc.text, self.encoding);
        let found = match kind_of(&doc.path, &self.checker) {
            Kind::Rules => lsp_rules::hover(&doc.path, &doc.text, offset, &self.open_rules()),
            Kind::Policy => self.current(doc).and_then(|r| {
                let d = r.diagnostics.iter().filter(|d| d.active()).find(|d| {
                    d.start.offset <= offset && offset <= d.end.offset.max(d.start.offset)
                })?;
                let rule = self.checker.rules.as_ref()?.rule(&d.rule)?;
                Some((
                    d.start.offset..d.end.offset,
                    report::hover(rule, self.checker.lang),
                ))
            }),
            Kind::Config | Kind::Other => None,
        };
        let Some((span, markdown)) = found else {
            return Value::Null;
        };
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(report::range(&text, span.start, span.end)),
        };
        serde_json::to_value(hover).unwrap_or(Value::Null)
    }

    fn definition(&self, params: &Value) -> Value {
        let Some((doc, offset)) = self.at(params, "/position") else {
            return Value::Null;
        };
        if kind_of(&doc.path, &self.checker) != Kind::Rules {
            return Value::Null;
        }
        let Some(target) = lsp_rules::definition(&doc.path, &doc.text, offset, &self.open_rules())
        else {
            return Value::Null;
        };
        let Some(uri) = uri_of(&target.path) else {
            return Value::Null;
        };
        let text = match self.overlay(&target.path) {
            Some(t) => t.to_string(),
            None if target.path == doc.path => doc.text.to_string(),
            None => std::fs::read_to_string(&target.path).unwrap_or_default(),
        };
        let t = LspText::new(&text, self.encoding);
        let loc = Location::new(uri, report::range(&t, target.span.start, target.span.end));
        serde_json::to_value(loc).unwrap_or(Value::Null)
    }

    /// For each finding in the range: suppress it on its line, suppress
    /// its rule in the file, and, where the rule gives an example of the
    /// clause it asks for, insert that example after the finding's line.
    fn code_actions(&self, params: &Value) -> Value {
        let Some((doc, start)) = self.at(params, "/range/start") else {
            return json!([]);
        };
        let end = self.at(params, "/range/end").map_or(start, |(_, e)| e);
        let Some(result) = self.current(doc) else {
            return json!([]);
        };
        let text = LspText::new(&doc.text, self.encoding);
        let format = policylint::document::format::detect(Some(&doc.path), &doc.text);
        let lang = self.checker.lang;
        let reason = match lang {
            Lang::Ja => "理由",
            Lang::En => "reason",
        };
        let mut actions = Vec::new();
        let uri = doc.uri.as_str();
        for d in result.diagnostics.iter().filter(|d| d.active()) {
            let (ds, de) = (d.start.offset, d.end.offset.max(d.start.offset));
            if de < start || ds > end {
                continue;
            }
            let What::Finding { kind, .. } = &d.what else {
                continue;
            };
            let diag = report::range(&text, ds, de);
            let line_start = report::range(&text, ds, ds).start;
            let at_line = lsp_types::Position::new(line_start.line, 0);
            let said = |ja: String, en: String| match lang {
                Lang::Ja => ja,
                Lang::En => en,
            };
            let edit = |pos: lsp_types::Position, new: String| json!({ "changes": { uri: [{ "range": { "start": pos, "end": pos }, "newText": new }] } });
            actions.push(json!({
                "title": said(format!("{} をこの行で抑制する", d.rule), format!("Suppress {} on this line", d.rule)),
                "kind": "quickfix",
                "diagnostics": [{ "range": diag, "code": d.rule, "source": report::SOURCE, "message": "" }],
                "edit": edit(at_line, comment_line(format, DirectiveKind::DisableNextLine, &d.rule, reason)),
            }));
            let top = report::range(&text, file_head(&doc.text, format), 0).start;
            actions.push(json!({
                "title": said(format!("{} をこのファイル全体で抑制する", d.rule), format!("Suppress {} in this file", d.rule)),
                "kind": "quickfix",
                "edit": edit(top, comment_line(format, DirectiveKind::DisableFile, &d.rule, reason)),
            }));
            let example = self
                .checker
                .rules
                .as_ref()
                .and_then(|set| set.rule(&d.rule))
                .and_then(|r| report::clause_example(r, *kind, lang));
            if let Some(example) = example {
                let line_end = line_end(&doc.text, de);
                let pos = report::range(&text, line_end, line_end).start;
                let (before, after) = match format {
                    Format::Html => ("\n<p>", "</p>"),
                    Format::Markdown | Format::Text => ("\n\n", ""),
                };
                let title = said(
                    "不足している条項のひな形を挿入する".into(),
                    "Insert a skeleton of the missing clause".into(),
                );
                let edit = if self.snippets {
                    // LSP 3.18: a snippet edit, the example a placeholder to type over.
                    json!({ "documentChanges": [{
                        "textDocument": { "uri": uri, "version": doc.version },
                        "edits": [{ "range": { "start": pos, "end": pos },
                                    "snippet": { "kind": "snippet", "value": format!("{before}{}{after}", report::snippet(&example)) } }],
                    }]})
                } else {
                    edit(pos, format!("{before}{example}{after}"))
                };
                actions.push(json!({ "title": title, "kind": "quickfix", "edit": edit }));
            }
        }
        Value::Array(actions)
    }
}

/// The end of the line holding `offset` (before its line break).
fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text[offset..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| offset + i)
}

/// Where a file-wide directive goes: the top, after a Markdown front
/// matter or an HTML doctype (which must come first).
fn file_head(text: &str, format: Format) -> usize {
    let first_end = |t: &str| t.find('\n').map_or(t.len(), |i| i + 1);
    match format {
        Format::Markdown if text.starts_with("---") => {
            let after = first_end(text);
            text[after..]
                .match_indices("---")
                .find(|(i, _)| *i == 0 || text.as_bytes()[after + i - 1] == b'\n')
                .map_or(0, |(i, _)| after + i + first_end(&text[after + i..]))
        }
        Format::Html
            if text
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("<!doctype") =>
        {
            first_end(text)
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_and_paths_convert_both_ways() {
        let p = Path::new("/tmp/ポリシー 1.md");
        let uri = uri_of(p).unwrap();
        assert!(
            uri.as_str().starts_with("file:///tmp/%E3%83%9D"),
            "{}",
            uri.as_str()
        );
        assert_eq!(path_of(&uri), p);
        assert_eq!(path_of_str("untitled:1"), None);
    }

    #[test]
    fn utf8_is_used_only_when_offered() {
        let offered =
            json!({"capabilities": {"general": {"positionEncodings": ["utf-16", "utf-8"]}}});
        assert_eq!(negotiate(&offered), PositionEncoding::Utf8);
        assert_eq!(
            negotiate(&json!({"capabilities": {}})),
            PositionEncoding::Utf16
        );
        let only16 = json!({"capabilities": {"general": {"positionEncodings": ["utf-16"]}}});
        assert_eq!(negotiate(&only16), PositionEncoding::Utf16);
    }

    #[test]
    fn a_file_directive_goes_after_front_matter_and_doctype() {
        let md = "---\ntitle: x\n---\n# 見出し\n";
        assert_eq!(&md[file_head(md, Format::Markdown)..], "# 見出し\n");
        let html = "<!DOCTYPE html>\n<html>";
        assert_eq!(&html[file_head(html, Format::Html)..], "<html>");
        assert_eq!(file_head("本文\n", Format::Text), 0);
        assert_eq!(line_end("ab\r\ncd", 1), 2);
    }
}
