//! `mamori add`: add an account from a key URI or a typed key, then show its current code
//! so the user can finish the service's "verify" step.

use mamori::account::{Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, OtpKind, OtpParams};
use mamori::accounts::{self, AddRules, NewAccount};
use mamori::otp;
use mamori::secret::Secret;
use mamori::uri::KeyUri;
use mamori::vault::SaveKind;

use crate::cli::args::{AddArgs, AlgorithmArg, TypeArg};
use crate::cli::{Cli, Failure, output, session};

fn from_args(args: &AddArgs) -> Result<KeyUri, Failure> {
    let Some(text) = &args.secret else {
        return Err(Failure::new(
            crate::cli::failure::EXIT_USAGE,
            "cli-add-needs-key",
            &[],
        ));
    };
    let text = crate::cli::key_input::read(text)?;
    let (secret, warnings) = Secret::from_pasted(&text)?;
    let kind = match args.kind {
        Some(TypeArg::Hotp) => OtpKind::Hotp {
            counter: args.counter.unwrap_or(0),
        },
        Some(TypeArg::Totp) | None => OtpKind::Totp {
            period: args.period.unwrap_or(DEFAULT_PERIOD),
        },
    };
    let algorithm = match args.algorithm {
        None | Some(AlgorithmArg::Sha1) => Algorithm::Sha1,
        Some(AlgorithmArg::Sha256) => Algorithm::Sha256,
        Some(AlgorithmArg::Sha512) => Algorithm::Sha512,
    };
    Ok(KeyUri {
        issuer: args.issuer.clone().unwrap_or_default().trim().to_string(),
        name: args.name.clone().unwrap_or_default().trim().to_string(),
        otp: OtpParams {
            secret,
            kind,
            algorithm,
            digits: args.digits.unwrap_or(DEFAULT_DIGITS),
        },
        warnings: warnings
            .into_iter()
            .map(mamori::uri::UriWarning::Secret)
            .collect(),
    })
}

/// Adds the account ([`accounts::add`]: an exact duplicate only when asked) and prints its code.
pub fn run(cli: &Cli, args: &AddArgs) -> Result<(), Failure> {
    let key = match &args.uri {
        Some(uri) => crate::cli::key_input::read(uri)?.parse::<KeyUri>()?,
        None => from_args(args)?,
    };
    if args.counter.is_some() && args.kind != Some(TypeArg::Hotp) {
        output::say("cli-add-counter-ignored", &[]);
    }
    for warning in &key.warnings {
        output::warn(warning);
    }
    let mut vault = session::open(cli)?;
    let now = mamori::time::unix_now();
    let shown = otp::generate(&key.otp, args.at.unwrap_or(now));
    // The code printed below is the one the service's verify step uses up: an HOTP counter
    // moves past it, so the next `mamori code` gives the following one.
    let rules = AddRules {
        allow_duplicate: args.allow_duplicate,
        hotp_code_shown: true,
    };
    let new = NewAccount::new(&key.issuer, &key.name, key.otp.clone());
    let account = vault.update(SaveKind::Structural, |accounts| {
        Ok::<_, Failure>(accounts::add(accounts, new, rules, now)?)
    })?;
    let code = shown;
    match code.remaining {
        Some(left) => output::say(
            "cli-added-totp",
            &[
                ("label", &account.label()),
                ("code", &code.grouped()),
                ("left", &left),
            ],
        ),
        None => output::say(
            "cli-added-hotp",
            &[("label", &account.label()), ("code", &code.grouped())],
        ),
    }
    output::line(&code.code);
    Ok(())
}
