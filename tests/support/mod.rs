//! The LSP test client shared by the end-to-end tests: spawns `apparatus lsp` and speaks
//! JSON-RPC over its stdio with Content-Length framing.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub fn write_message(out: &mut impl Write, msg: &Value) {
    let body = serde_json::to_string(msg).unwrap();
    write!(out, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
    out.flush().unwrap();
}

/// Reads one framed message; `None` at end of stream. Panics on anything that is not
/// a well-formed frame (e.g. stray output on stdout).
pub fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).unwrap() == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("bad header line {line:?}"));
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.trim().parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("no Content-Length")];
    input.read_exact(&mut body).unwrap();
    Some(serde_json::from_slice(&body).expect("body is not JSON"))
}

/// A minimal LSP client. A reader thread forwards every message from the server and
/// answers server-to-client requests (registerCapability, workDoneProgress/create)
/// with a `null` result.
pub struct Client {
    pub child: Child,
    pub stdin: Arc<Mutex<ChildStdin>>,
    pub rx: Receiver<Value>,
    pub next_id: i64,
    /// Notifications and server requests seen so far, in order.
    pub seen: Vec<Value>,
    pub stderr: Arc<Mutex<String>>,
}

impl Client {
    pub fn spawn(envs: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_apparatus"));
        cmd.arg("lsp").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.env_remove("APPARATUS_LOG").env_remove("APPARATUS_TEST_PANIC");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn apparatus lsp");
        let stdin = Arc::new(Mutex::new(child.stdin.take().unwrap()));
        let stdout = child.stdout.take().unwrap();
        let mut stderr_pipe = child.stderr.take().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();

        let answer = stdin.clone();
        thread::spawn(move || {
            let mut input = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut input) {
                if msg.get("method").is_some() && msg.get("id").is_some() {
                    let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": null});
                    if let Ok(mut w) = answer.lock() {
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            write_message(&mut *w, &reply)
                        }));
                    }
                }
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let err_buf = stderr.clone();
        thread::spawn(move || {
            let mut s = String::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
                *err_buf.lock().unwrap() = s.clone();
            }
        });
        Client { child, stdin, rx, next_id: 1, seen: Vec::new(), stderr }
    }

    pub fn send(&self, msg: Value) {
        write_message(&mut *self.stdin.lock().unwrap(), &msg);
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn next_message(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => panic!("timed out; stderr:\n{}", self.stderr()),
            Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout; stderr:\n{}", self.stderr()),
        }
    }

    /// Sends a request and returns the whole response object (with `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let msg = self.next_message(deadline);
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return msg;
            }
            self.seen.push(msg);
        }
    }

    /// The `result` of a request that must succeed.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// Waits for a message from the server (notification or request) matching `pred`;
    /// messages seen before are searched first.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(m) = self.seen.iter().find(|m| pred(m)) {
            return m.clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if Instant::now() >= deadline {
                panic!("no {what} arrived; stderr:\n{}", self.stderr());
            }
            let msg = self.next_message(deadline);
            self.seen.push(msg.clone());
            if pred(&msg) {
                return msg;
            }
        }
    }

    /// Drains what arrived within `dur` into `seen`.
    pub fn settle(&mut self, dur: Duration) {
        let deadline = Instant::now() + dur;
        while let Ok(msg) = self.rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            self.seen.push(msg);
        }
    }

    pub fn initialize(&mut self, capabilities: Value, extra: Value) -> Value {
        let mut params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                p.insert(k.clone(), v.clone());
            }
        }
        let result = self.call("initialize", params);
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    pub fn document_text(&mut self, uri: &str) -> Value {
        self.call("apparatus/documentText", json!({"uri": uri}))
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        assert_eq!(self.call("shutdown", Value::Null), Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// LSP position of byte `offset` in `text`, computed independently of the server:
/// lines end at LF, CR or CRLF; columns in UTF-16 units or UTF-8 bytes.
pub fn position_of(text: &str, offset: usize, utf16: bool) -> Value {
    let (mut line, mut col) = (0u32, 0u32);
    let mut chars = text[..offset].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                line += 1;
                col = 0;
            }
            _ => col += if utf16 { c.len_utf16() } else { c.len_utf8() } as u32,
        }
    }
    json!({"line": line, "character": col})
}

