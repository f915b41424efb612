//! `idproof demo [--profile NAME] [--list-profiles] [--json]`: the whole job on built-in data.
//!
//! Builds the ICAO specimen passport (ERIKSSON ANNA MARIA of Utopia) in the virtual chip, reads
//! it through `ReadSession` exactly as an app would (progress bar on stderr, resume after a tag
//! loss), verifies what was read and prints the document and the report. Until passive
//! authentication exists the verdict is `incomplete`, never `authentic`.

use idproof_core::reader::ReadOptions;
use idproof_core::report::Verdict;
use idproof_core::verify::verify_read;
use idproof_fixtures::chip::{all_profiles, profile_by_name};
use idproof_fixtures::virtual_passport::{VirtualPassport, read_resuming};
use rand_core::{OsRng, UnwrapErr};

use crate::output::{Human, Outcome, ReadOutput, progress_bar, show_progress};

use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Arguments of `idproof demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The virtual chip's behaviour (see --list-profiles).
    #[arg(long, default_value = "specimen", value_name = "NAME")]
    pub profile: String,
    /// Print the profile names, one per line, and exit.
    #[arg(long)]
    pub list_profiles: bool,
    /// Print one JSON object on stdout; human output goes to stderr.
    #[arg(long)]
    pub json: bool,
}

/// Runs the demo and returns the exit code.
pub fn run(args: &Args) -> u8 {
    if args.list_profiles {
        for (name, _) in all_profiles() {
            println!("{name}");
        }
        return EXIT_OK;
    }
    let Some(profile) = profile_by_name(&args.profile) else {
        eprintln!(
            "error: unknown profile '{}'; `idproof demo --list-profiles` lists them",
            args.profile
        );
        return EXIT_USAGE;
    };
    let mut passport = match VirtualPassport::specimen(profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: could not build the specimen passport: {e}");
            return EXIT_FAILED;
        }
    };
    let human = Human::new(args.json);
    human.line(&format!(
        "idproof demo: reading the virtual specimen passport (profile '{}')",
        args.profile
    ));

    let mut session = idproof_core::reader::ReadSession::new(
        passport.access_key(),
        ReadOptions::default(),
        Box::new(UnwrapErr(OsRng)),
    );
    let bar = progress_bar();
    let result = read_resuming(&mut session, &mut passport.chip, |p| show_progress(&bar, p));
    bar.finish_and_clear();

    let outcome = match result {
        Ok(document) => {
            let report = verify_read(&document, Some(&passport.mrz));
            Outcome::Read(Box::new(document), report)
        }
        Err(error) => Outcome::Failed(error),
    };
    let output = ReadOutput::new(Some(&args.profile), None, &outcome, session.stats());
    if args.json {
        match serde_json::to_string_pretty(&output) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: could not encode JSON: {e}");
                return EXIT_FAILED;
            }
        }
    }
    human.print(&output, &outcome);
    if output.verdict == Verdict::Failed {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}
