//! `policylint lsp` driven over stdio with JSON-RPC, as an editor drives it:
//! initialize (each position encoding), open, change, diagnostics, hover,
//! code actions, definition, shutdown and exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A policy missing its contact: `demo/contact` flags it.
const RULES: &str = r#"rule demo/contact {
  title "窓口"
  severity error
  require contact = "窓口" as "窓口"
  message "{missing}がありません"
  help "窓口を記載してください。例: 「お問い合わせ窓口 privacy@example.jp」"
}
"#;

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications received while waiting for something else.
    seen: Vec<Value>,
}

fn frame(v: &Value) -> Vec<u8> {
    let body = v.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn uri(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

impl Client {
    fn start(dir: &Path, encodings: &[&str]) -> (Client, Value) {
        Client::start_with(
            dir,
            json!({ "general": { "positionEncodings": encodings } }),
        )
    }

    fn start_with(dir: &Path, capabilities: Value) -> (Client, Value) {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("policylint"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next: 0,
            seen: Vec::new(),
        };
        let init = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(dir),
                "capabilities": capabilities,
            }),
        );
        c.notify("initialized", json!({}));
        (c, init)
    }

    fn send(&mut self, v: &Value) {
        self.stdin.write_all(&frame(v)).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let m = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{method}: {m}");
                return m["result"].clone();
            }
            self.seen.push(m);
        }
    }

    fn recv(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        self.rx.recv_timeout(left).ok()
    }

    /// The next diagnostics published for `uri` (of `version`, when given).
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let wanted = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && version.is_none_or(|v| m["params"]["version"] == v)
        };
        if let Some(i) = self.seen.iter().position(wanted) {
            let m = self.seen.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let m = self
                .recv(deadline)
                .unwrap_or_else(|| panic!("no diagnostics for {uri} {version:?}: {:?}", self.seen));
            if wanted(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.seen.push(m);
        }
    }

    fn open(&mut self, uri: &str, lang: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Shutdown, exit, and the process's exit status.
    fn finish(mut self) -> std::process::ExitStatus {
        let r = self.request("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A project with the demo rules only.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("demo.rules"), RULES).unwrap();
    std::fs::write(
        root.join("policylint.toml"),
        "builtin = false\npacks = [\"demo.rules\"]\n",
    )
    .unwrap();
    (dir, root)
}

/// The range as (start line, start column, end line, end column).
fn range(d: &Value) -> (u64, u64, u64, u64) {
    let r = &d["range"];
    let n = |p: &str| r.pointer(p).and_then(Value::as_u64).unwrap();
    (
        n("/start/line"),
        n("/start/character"),
        n("/end/line"),
        n("/end/character"),
    )
}

#[test]
fn findings_come_and_go_as_the_policy_is_edited_in_utf16() {
    let (_d, root) = project();
    let (mut c, init) = Client::start(&root, &["utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    let doc = uri(&root.join("policy.md"));
    // 𠮷 is outside the BMP: two UTF-16 units, four bytes.
    let text = "# 𠮷田のポリシー\r\n\r\n当社は情報を扱います。\r\n";
    c.open(&doc, "markdown", text);
    let diags = c.diagnostics(&doc, Some(1));
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["code"], "demo/contact");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "policylint");
    assert!(d["message"].as_str().unwrap().contains("窓口"), "{d}");
    // What `check` says of the same text, located the same way: its
    // character columns are these UTF-16 columns once 𠮷 counts two.
    let json = check_json(&root, text);
    let f = &json["diagnostics"][0];
    assert_eq!(f["rule"], "demo/contact");
    assert_eq!(d["message"], f["message"]);
    let (l, col, el, ecol) = range(d);
    let utf16 = |p: &Value| {
        let line = p["line"].as_u64().unwrap() - 1;
        let chars = p["column"].as_u64().unwrap() as usize - 1;
        let line_text = text.split("\r\n").nth(line as usize).unwrap();
        let prefix: String = line_text.chars().take(chars).collect();
        (line, prefix.encode_utf16().count() as u64)
    };
    assert_eq!((l, col), utf16(&f["start"]));
    assert_eq!((el, ecol), utf16(&f["end"]));
    assert!(
        text.contains("𠮷") && el == 0 && ecol > 2,
        "the end is past 𠮷: {d}"
    );

    // Hover on the finding: the rule explained.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": d["range"]["start"]}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("**demo/contact**"), "{md}");
    assert!(md.contains("窓口を記載してください"), "{md}");

    // Code actions: suppress on the line, in the file, insert the example.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().unwrap();
    let texts: Vec<String> = actions
        .iter()
        .map(|a| {
            a["edit"]["changes"][&doc][0]["newText"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(actions.len(), 3, "{actions:?}");
    assert_eq!(
        texts[0],
        "<!-- policylint-disable-next-line demo/contact -- 理由 -->\n"
    );
    assert_eq!(
        texts[1],
        "<!-- policylint-disable-file demo/contact -- 理由 -->\n"
    );
    assert_eq!(texts[2], "\n\nお問い合わせ窓口 privacy@example.jp");
    let line_fix = &actions[0]["edit"]["changes"][&doc][0]["range"]["start"];
    assert_eq!(line_fix, &json!({"line": l, "character": 0}));

    // Applying the line suppression (as an editor would) silences it.
    let mut lines: Vec<&str> = text.split_inclusive("\r\n").collect();
    let comment = texts[0].replace('\n', "\r\n");
    lines.insert(l as usize, &comment);
    c.change(&doc, 2, &lines.concat());
    assert!(c.diagnostics(&doc, Some(2)).is_empty());

    // Fixing the text instead: a fast burst of edits gets results for the
    // last one only.
    c.change(&doc, 3, text);
    c.change(
        &doc,
        4,
        &text.replace("情報を扱います。", "情報を扱います。お問い合わせ窓口"),
    );
    assert!(c.diagnostics(&doc, Some(4)).is_empty());
    assert!(
        !c.seen.iter().any(|m| m["params"]["version"] == 3),
        "a stale result was published: {:?}",
        c.seen
    );
    assert!(c.finish().success());
}

fn check_json(root: &Path, text: &str) -> Value {
    let out = assert_cmd::Command::cargo_bin("policylint")
        .unwrap()
        .current_dir(root)
        .args([
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "policy.md",
            "-",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn utf8_columns_when_the_client_offers_them() {
    let (_d, root) = project();
    let (mut c, init) = Client::start(&root, &["utf-8", "utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let doc = uri(&root.join("policy.txt"));
    // The finding is anchored after 𠮷 on the first line? It starts the
    // document; the hover position is given in bytes past 𠮷.
    let text = "𠮷当社は情報を扱います。\n";
    c.open(&doc, "plaintext", text);
    let diags = c.diagnostics(&doc, Some(1));
    assert_eq!(diags.len(), 1, "{diags:?}");
    let (_, _, el, ec) = range(&diags[0]);
    // The end, in bytes of its line, is a char boundary of the line's text.
    let line = text.lines().nth(el as usize).unwrap();
    assert!(
        line.is_char_boundary(ec as usize) && ec as usize <= line.len(),
        "{ec}"
    );
    // A position in bytes: byte 4 is after 𠮷; in UTF-16 it would be past 当.
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 0, "character": 4}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("demo/contact")
    );
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": diags[0]["range"], "context": {"diagnostics": []}}),
    );
    // Plain text: the directive stands on a line of its own.
    assert_eq!(
        actions[0]["edit"]["changes"][&doc][0]["newText"],
        "# policylint-disable-next-line demo/contact -- 理由\n"
    );
    assert!(c.finish().success());
}

#[test]
fn a_rule_file_gets_syntax_errors_hover_and_definitions() {
    let (_d, root) = project();
    std::fs::write(root.join("terms.rules"), "term far = \"遠い\"\n").unwrap();
    let (mut c, _) = Client::start(&root, &[]);
    let doc = uri(&root.join("new.rules"));
    let broken = "import \"terms.rules\"\nterm near = \"近い\"\nrule x/y {\n  title \"t\"\n  severity oops\n}\n";
    c.open(&doc, "policylint-rules", broken);
    let diags = c.diagnostics(&doc, Some(1));
    assert!(diags.iter().all(|d| d["severity"] == 1), "{diags:?}");
    let severity = diags
        .iter()
        .find(|d| d["code"] == "policylint::rules::unknown-severity")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert_eq!(range(severity).0, 4, "on the severity line: {diags:?}");
    let fixed = "import \"terms.rules\"\nterm near = \"近い\"\nterm both = near | far\n";
    c.change(&doc, 2, fixed);
    assert_eq!(c.diagnostics(&doc, Some(2)), Vec::<Value>::new());
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": doc}, "position": {"line": 2, "character": 20}}),
    );
    assert_eq!(def["uri"], uri(&root.join("terms.rules")));
    // At the term's name in `term far = …`.
    assert_eq!(def["range"]["start"], json!({"line": 0, "character": 5}));
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": doc}, "position": {"line": 2, "character": 13}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("term near = \"近い\"")
    );
    assert!(c.finish().success());
}

#[test]
fn config_errors_show_on_the_config_and_a_fix_reloads_it() {
    let (_d, root) = project();
    let (mut c, _) = Client::start(&root, &[]);
    let cfg = uri(&root.join("policylint.toml"));
    // The good config loads with no diagnostic on it.
    assert!(c.diagnostics(&cfg, None).is_empty());
    let bad = "builtin = false\npacks = [\"demo.rules\"]\nfail-levl = \"error\"\n";
    c.open(&cfg, "toml", bad);
    let diags = c.diagnostics(&cfg, None);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(range(&diags[0]).0, 2);
    assert!(
        diags[0]["message"].as_str().unwrap().contains("fail-levl"),
        "{diags:?}"
    );
    // A policy is checked with the rules the config names.
    let doc = uri(&root.join("p.md"));
    c.open(&doc, "markdown", "当社は情報を扱います。\n");
    assert_eq!(c.diagnostics(&doc, Some(1))[0]["code"], "demo/contact");
    // Turning the rule off in the buffer reloads and re-checks the policy.
    c.change(
        &cfg,
        2,
        "builtin = false\npacks = [\"demo.rules\"]\n[rules]\n\"demo/contact\" = \"off\"\n",
    );
    let after = c.diagnostics(&cfg, None);
    assert!(after.is_empty(), "{after:?}");
    assert!(c.diagnostics(&doc, Some(1)).is_empty());
    assert!(c.finish().success());
}

#[test]
fn an_undecodable_or_odd_document_gets_one_diagnostic_and_the_server_lives() {
    let (_d, root) = project();
    let (mut c, _) = Client::start(&root, &[]);
    let doc = uri(&root.join("empty.md"));
    c.open(&doc, "markdown", "");
    // An empty document is not checked, and says so: one note, no crash.
    let diags = c.diagnostics(&doc, Some(1));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], "policylint/skipped");
    // An unknown request is an error answer, not a crash.
    c.next += 1;
    let id = c.next;
    c.send(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/rename", "params": {}}));
    let deadline = Instant::now() + Duration::from_secs(30);
    let answer = loop {
        let m = c.recv(deadline).expect("an answer");
        if m.get("id") == Some(&json!(id)) {
            break m;
        }
    };
    assert!(answer.get("error").is_some(), "{answer}");
    assert!(c.finish().success());
}

/// A client that takes snippet edits gets the missing clause's example as
/// a placeholder to type over, inserted after the finding's line; the
/// text already there is never rewritten.
#[test]
fn the_clause_skeleton_is_a_snippet_when_the_client_takes_snippets() {
    let (_d, root) = project();
    let (mut c, _) = Client::start_with(
        &root,
        json!({ "workspace": { "workspaceEdit": { "snippetEditSupport": true } } }),
    );
    let doc = uri(&root.join("policy.md"));
    let text = "# 個人情報の取扱い\n\n当社は個人情報を適切に扱います。\n";
    c.open(&doc, "markdown", text);
    let diags = c.diagnostics(&doc, Some(1));
    let d = diags
        .iter()
        .find(|d| d["code"] == "demo/contact")
        .unwrap_or_else(|| panic!("{diags:?}"))
        .clone();
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": doc}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let insert = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["edit"]["documentChanges"].is_array())
        .unwrap_or_else(|| panic!("{actions}"));
    let change = &insert["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    let edit = &change["edits"][0];
    assert_eq!(edit["snippet"]["kind"], "snippet");
    assert_eq!(
        edit["snippet"]["value"],
        "\n\n${1:お問い合わせ窓口 privacy@example.jp}$0"
    );
    // An insertion (empty range) at the end of the finding's line.
    assert_eq!(edit["range"]["start"], edit["range"]["end"]);
    assert_eq!(edit["range"]["start"]["line"], d["range"]["start"]["line"]);
    assert!(c.finish().success());
}
