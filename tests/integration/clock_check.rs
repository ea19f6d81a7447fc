//! The clock check's rules through the real binary, against real SNTP servers on 127.0.0.1
//! started by each test: an offset is used only when two servers agree within 1 s (or the one
//! server configured), servers that disagree are reported as such by `doctor --json` and never
//! applied, and `mamori code` (with `apply_offset` on) never applies more than 10 minutes.

use std::net::UdpSocket;
use std::process::Output;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::doctor::{doctor, names};
use crate::util::{Sandbox, stderr, stdout};

/// A fake SNTP server answering with its clock `offset` seconds ahead of ours (`None`: never
/// answers). Returns `127.0.0.1:PORT`; the thread ends with the test process.
pub fn fake_server(offset: Option<f64>) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 512];
        while let Ok((len, from)) = socket.recv_from(&mut buffer) {
            let Some(offset) = offset else { continue };
            if len < 48 {
                continue;
            }
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs_f64()
                + offset;
            let mut reply = [0u8; 48];
            reply[0] = 0b00_100_100; // LI 0, version 4, mode 4 (server)
            reply[1] = 2; // stratum
            reply[24..32].copy_from_slice(&buffer[40..48]); // originate = their transmit
            reply[32..40].copy_from_slice(&ntp_timestamp(now));
            reply[40..48].copy_from_slice(&ntp_timestamp(now));
            let _ = socket.send_to(&reply, from);
        }
    });
    address
}

fn ntp_timestamp(unix: f64) -> [u8; 8] {
    let ntp = unix + 2_208_988_800.0;
    let seconds = ntp.floor();
    let fraction = ((ntp - seconds) * 4_294_967_296.0) as u32;
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&(seconds as u64 as u32).to_be_bytes());
    out[4..].copy_from_slice(&fraction.to_be_bytes());
    out
}

/// 365 days, in seconds: what a loopback server was seen to report, and Mamori to accept.
const YEAR: f64 = 365.0 * 86400.0;

/// The key of docs/formats.md §15, as a URI for `code --uri`.
const URI: &str = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The codes of [`URI`] for every second from `from` to `to`.
fn codes_between(from: u64, to: u64) -> Vec<String> {
    let key: mamori::uri::KeyUri = URI.parse().unwrap();
    (from..=to)
        .map(|t| mamori::otp::generate(&key.otp, t).code)
        .collect()
}

/// Writes settings.json with `apply_offset` on and these time servers.
fn settings(sandbox: &Sandbox, servers: &[&str]) {
    let config = sandbox.path("config");
    std::fs::create_dir_all(&config).unwrap();
    let text = serde_json::json!({ "apply_offset": true, "time_servers": servers });
    std::fs::write(config.join("settings.json"), text.to_string()).unwrap();
}

/// `mamori code --uri URI`: the code printed, and the seconds it ran between (to know which
/// codes it could have printed).
fn code(sandbox: &Sandbox) -> (String, Output, u64, u64) {
    let start = unix_now();
    let output = sandbox.run(&["code", "--uri", URI]);
    let end = unix_now();
    assert!(output.status.success(), "{}", stderr(&output));
    (stdout(&output).trim().to_string(), output, start, end)
}

/// `doctor --json` with these servers on the command line.
fn doctor_json_with(sandbox: &Sandbox, servers: &[&str]) -> (Value, Option<i32>) {
    let mut args = Vec::new();
    for server in servers {
        args.extend(["--time-server", server]);
    }
    args.push("--json");
    let (output, _) = doctor(sandbox, &args);
    let report: Value = serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&output)));
    (report, output.status.code())
}

/// The offsets `clock_servers` lists, by server.
fn server_offsets(report: &Value) -> Vec<(String, f64)> {
    report["clock_servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["server"].as_str().unwrap().to_string(),
                s["offset_seconds"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn two_servers_that_agree_give_the_offset_and_code_applies_it() {
    let sandbox = Sandbox::new();
    let a = fake_server(Some(5.0));
    let b = fake_server(Some(5.4));
    let (report, code_exit) = doctor_json_with(&sandbox, &[&a, &b]);
    let offset = report["clock_offset_seconds"].as_f64().unwrap();
    assert!((offset - 5.2).abs() < 0.6, "{report}");
    assert_eq!(report["clock_servers_disagree"], false, "{report}");
    assert_eq!(report["clock_offset_needs_confirmation"], false);
    assert_eq!(server_offsets(&report).len(), 2, "{report}");
    assert_eq!(code_exit, Some(0), "{report}");

    // `code` applies an agreed offset under 10 minutes when the setting is on: 5 minutes here,
    // so the code differs from the system clock's.
    let a = fake_server(Some(300.0));
    let b = fake_server(Some(300.3));
    settings(&sandbox, &[&a, &b]);
    let (printed, output, start, end) = code(&sandbox);
    assert!(
        codes_between(start + 298, end + 302).contains(&printed),
        "{printed}: not the code 5 min ahead"
    );
    assert!(
        !codes_between(start.saturating_sub(2), end + 2).contains(&printed),
        "{printed}: the system clock's code"
    );
    let message = stderr(&output);
    assert!(
        message.contains("generated with the measured clock offset applied (clock 5 min 0 s slow"),
        "{message}"
    );
}

#[test]
fn servers_that_disagree_are_reported_by_doctor_and_never_applied() {
    let sandbox = Sandbox::new();
    let liar = fake_server(Some(YEAR));
    let honest = fake_server(Some(0.0));
    let (report, exit) = doctor_json_with(&sandbox, &[&liar, &honest]);
    assert_eq!(report["clock_servers_disagree"], true, "{report}");
    assert_eq!(report["clock_offset_seconds"], Value::Null, "{report}");
    assert_eq!(report["time_server"], Value::Null, "{report}");
    let offsets = server_offsets(&report);
    assert_eq!(offsets.len(), 2, "{report}");
    assert_eq!(offsets[0].0, liar);
    assert!((offsets[0].1 - YEAR).abs() < 1.0, "{report}");
    assert_eq!(offsets[1].0, honest);
    assert!(offsets[1].1.abs() < 1.0, "{report}");
    assert!(names(&report, "warnings").contains(&"clock_servers_disagree".to_string()));
    assert!(!names(&report, "problems").contains(&"clock_offset".to_string()));
    assert_eq!(exit, Some(0), "{report}");
    // In words too.
    let (output, _) = doctor(
        &sandbox,
        &["--time-server", &liar, "--time-server", &honest],
    );
    let text = stdout(&output);
    assert!(text.contains("the time servers disagree"), "{text}");
    assert!(
        text.contains(&format!("{liar}: 365 days 0 h slow")),
        "{text}"
    );
    assert!(text.contains(&format!("{honest}: on time")), "{text}");

    // `code` with the setting on uses the system clock and says why.
    settings(&sandbox, &[&liar, &honest]);
    let (printed, output, start, end) = code(&sandbox);
    assert!(
        codes_between(start.saturating_sub(2), end + 2).contains(&printed),
        "{printed}: not the system clock's code"
    );
    let message = stderr(&output);
    assert!(message.contains("not applied"), "{message}");
    assert!(message.contains("disagree"), "{message}");
}

#[test]
fn a_year_from_the_one_configured_server_needs_confirmation_and_code_does_not_apply_it() {
    let sandbox = Sandbox::new();
    let liar = fake_server(Some(YEAR));
    let (report, exit) = doctor_json_with(&sandbox, &[&liar]);
    let offset = report["clock_offset_seconds"].as_f64().unwrap();
    assert!((offset - YEAR).abs() < 1.0, "{report}");
    assert_eq!(report["clock_offset_needs_confirmation"], true, "{report}");
    assert_eq!(report["clock_servers_disagree"], false, "{report}");
    assert!(names(&report, "problems").contains(&"clock_offset".to_string()));
    assert_eq!(exit, Some(1), "{report}");
    let (output, _) = doctor(&sandbox, &["--time-server", &liar]);
    let text = stdout(&output);
    assert!(text.contains("365 days 0 h slow"), "{text}");
    assert!(
        text.contains("more than 10 minutes is never applied to codes unless you confirm it"),
        "{text}"
    );

    settings(&sandbox, &[&liar]);
    let (printed, output, start, end) = code(&sandbox);
    assert!(
        codes_between(start.saturating_sub(2), end + 2).contains(&printed),
        "{printed}: not the system clock's code"
    );
    let message = stderr(&output);
    assert!(
        message
            .contains("The measured clock offset is not applied: the clock is 365 days 0 h slow"),
        "{message}"
    );
    assert!(message.contains("more than 10 minutes"), "{message}");

    // Japanese too.
    let output = sandbox.run(&["--lang", "ja", "code", "--uri", URI]);
    let message = stderr(&output);
    assert!(
        message.contains("時刻のずれ: 365 日 0 時間遅れ、127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("10 分を超えるずれは"), "{message}");
}

#[test]
fn one_answer_of_three_servers_is_not_used() {
    let sandbox = Sandbox::new();
    let lone = fake_server(Some(43.0));
    let silent = fake_server(None);
    let other = fake_server(None);
    let (report, exit) = doctor_json_with(&sandbox, &[&silent, &lone, &other]);
    assert_eq!(report["clock_offset_seconds"], Value::Null, "{report}");
    assert_eq!(report["clock_servers_disagree"], false, "{report}");
    let offsets = server_offsets(&report);
    assert_eq!(offsets.len(), 1, "{report}");
    assert_eq!(offsets[0].0, lone);
    assert!(names(&report, "warnings").contains(&"clock_unconfirmed".to_string()));
    assert!(
        report["clock_error"]
            .as_str()
            .unwrap()
            .contains(&format!("only {lone} answered, of 3 time servers")),
        "{report}"
    );
    // Not knowing is not a problem with this computer.
    assert_eq!(exit, Some(0), "{report}");
}
