//! Mamori's codes and KDF against independent implementations. `.ci/install-deps` installs
//! oathtool and argon2; a missing tool fails the test with the command that installs it.

use std::process::Command;

use mamori::vault::crypto::{KdfParams, derive_kek};

use crate::util::{Rng, mamori, stdout};

/// Fails the test with the command that installs `name` when it is missing. Called once per
/// test, not before each run of the tool.
fn require(name: &str) {
    let probe = Command::new(name).arg("--version").output();
    if probe.is_err() {
        panic!("{name} is not installed: run .ci/install-deps (apt-get install {name})");
    }
}

fn mamori_code(uri: &str, at: u64) -> String {
    let output = mamori()
        .args(["code", "--at", &at.to_string(), "--uri", uri])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{uri}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output).trim().to_string()
}

const ALGORITHMS: [&str; 3] = ["SHA1", "SHA256", "SHA512"];

/// 240 random TOTP and HOTP cases against oathtool: key lengths 1-64 bytes, all three
/// algorithms (HOTP: SHA-1, as oathtool implements it), 6-8 digits, periods 1-300 s, times up
/// to year 2200, counters up to 2^40.
#[test]
fn codes_match_oathtool() {
    let mut rng = Rng::from_env("codes_match_oathtool");
    require("oathtool");
    let mut checked = 0;
    for case in 0..240 {
        let len = rng.range(1..=64) as usize;
        let key = rng.bytes(len);
        let hex = data_encoding::HEXLOWER.encode(&key);
        let b32 = data_encoding::BASE32_NOPAD.encode(&key);
        let digits = rng.range(6..=8);
        let (uri, expected) = if case % 4 == 3 {
            let counter = rng.range(0..=1 << 40);
            let uri = format!("otpauth://hotp/x?secret={b32}&digits={digits}&counter={counter}");
            let out = Command::new("oathtool")
                .args([
                    "--hotp",
                    "-d",
                    &digits.to_string(),
                    "-c",
                    &counter.to_string(),
                    &hex,
                ])
                .output()
                .unwrap();
            (uri, (stdout(&out), 0))
        } else {
            let algorithm = ALGORITHMS[rng.range(0..=2) as usize];
            let period = if rng.range(0..=1) == 0 {
                [15, 30, 60, 90][rng.range(0..=3) as usize]
            } else {
                rng.range(1..=300)
            };
            let at = rng.range(0..=7_258_118_400);
            let uri = format!(
                "otpauth://totp/x?secret={b32}&algorithm={algorithm}&digits={digits}&period={period}"
            );
            let out = Command::new("oathtool")
                .args([
                    &format!("--totp={algorithm}"),
                    "-d",
                    &digits.to_string(),
                    "-s",
                    &format!("{period}s"),
                    "-N",
                    &format!("@{at}"),
                    &hex,
                ])
                .output()
                .unwrap();
            (uri, (stdout(&out), at))
        };
        let (oath, at) = expected;
        assert_eq!(mamori_code(&uri, at), oath.trim(), "{uri} at {at}");
        checked += 1;
    }
    assert_eq!(checked, 240);
}

/// 9 and 10 digits (oathtool stops at 8): against Python's hmac module, all 40 cases in one
/// Python run (a Python start costs more than a Mamori one).
#[test]
fn nine_and_ten_digit_codes_match_python() {
    let mut rng = Rng::from_env("nine_and_ten_digit_codes_match_python");
    let script = "import hmac,hashlib,struct,sys\n\
        for line in sys.stdin:\n \
        k,c,d,a=line.split();k=bytes.fromhex(k);c=int(c);d=int(d);a=getattr(hashlib,a)\n \
        h=hmac.new(k,struct.pack('>Q',c),a).digest();o=h[-1]&15\n \
        print('%0*d'%(d,(struct.unpack('>I',h[o:o+4])[0]&0x7fffffff)%10**d))";
    let mut cases = Vec::new();
    let mut input = String::new();
    for _ in 0..40 {
        let len = rng.range(1..=40) as usize;
        let key = rng.bytes(len);
        let digits = rng.range(9..=10);
        let algorithm = ALGORITHMS[rng.range(0..=2) as usize];
        let at = rng.range(0..=4_000_000_000);
        let uri = format!(
            "otpauth://totp/x?secret={}&algorithm={algorithm}&digits={digits}",
            data_encoding::BASE32_NOPAD.encode(&key)
        );
        input.push_str(&format!(
            "{} {} {digits} {}\n",
            data_encoding::HEXLOWER.encode(&key),
            at / 30,
            algorithm.to_lowercase()
        ));
        cases.push((uri, at));
    }
    require("python3");
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "python3 failed");
    let theirs: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    assert_eq!(theirs.len(), cases.len(), "{input}");
    for ((uri, at), expected) in cases.iter().zip(&theirs) {
        assert_eq!(&mamori_code(uri, *at), expected, "{uri} at {at}");
    }
}

/// The vault's Argon2id (default 256 MiB, t=3, p=4) against the reference `argon2` CLI.
#[test]
fn argon2id_matches_the_reference_cli() {
    let salt = "mamori-salt-0123456789abcdef0123"; // 32 bytes, as vaults use
    let password = "correct horse battery staple";
    let params = KdfParams {
        m_kib: 262_144,
        t: 3,
        p: 4,
        salt: salt.as_bytes().to_vec(),
    };
    let ours = derive_kek(password, &params).unwrap();
    require("argon2");
    let mut child = Command::new("argon2")
        .args([
            salt, "-id", "-t", "3", "-m", "18", "-p", "4", "-l", "32", "-r",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        data_encoding::HEXLOWER.encode(ours.as_bytes()),
        stdout(&output).trim()
    );
}
