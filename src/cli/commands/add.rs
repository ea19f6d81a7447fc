//! `mamori add`: add an account from a key URI or a typed key, then show its current code
//! so the user can finish the service's "verify" step.

use mamori::account::{Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, OtpKind, OtpParams};
use mamori::otp;
use mamori::secret::Secret;
use mamori::uri::KeyUri;
use mamori::vault::SaveKind;

use crate::cli::args::{AddArgs, AlgorithmArg, TypeArg};
use crate::cli::failure::EXIT_ERROR;
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

/// Adds the account (refusing an exact duplicate unless asked) and prints its code.
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
    let mut account = Account::new(key.issuer.clone(), key.name.clone(), key.otp.clone(), now);
    // The HOTP code shown now is the one the service's verify step uses up: the next
    // `mamori code` must give the following one.
    if let OtpKind::Hotp { counter } = &mut account.otp.kind {
        *counter = counter.saturating_add(1);
    }
    let allow_duplicate = args.allow_duplicate;
    vault.update(SaveKind::Structural, |accounts| {
        if !allow_duplicate
            && let Some(existing) = accounts.iter().find(|a| a.otp.same_key(&account.otp))
        {
            return Err(Failure::new(
                EXIT_ERROR,
                "cli-add-duplicate",
                &[("label", &existing.label()), ("id", &existing.id)],
            ));
        }
        accounts.push(account.clone());
        Ok(())
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
