//! `idproof readers [--json]`: the PC/SC readers and whether each holds a card.

use idproof_pcsc::{PcscError, Readers};

use super::{EXIT_OK, EXIT_READER};

/// Arguments of `idproof readers`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object: `{"readers": [{"name", "card"}]}`.
    #[arg(long)]
    pub json: bool,
}

/// Lists the readers; exit 3 with a remedy when pcscd is not running or there is no reader.
pub fn run(args: &Args) -> u8 {
    let listed = Readers::establish().and_then(|r| r.list_with_cards());
    let readers = match listed {
        Ok(r) if r.is_empty() => Err(PcscError::NoReaders),
        other => other,
    };
    match readers {
        Ok(readers) => {
            if args.json {
                let list: Vec<_> = readers
                    .iter()
                    .map(|(name, card)| serde_json::json!({"name": name, "card": card}))
                    .collect();
                println!("{}", serde_json::json!({ "readers": list }));
            } else {
                for (name, card) in &readers {
                    println!("{name}{}", if *card { "\t(card present)" } else { "" });
                }
            }
            EXIT_OK
        }
        Err(e) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({ "readers": [], "error": e.to_string() })
                );
            }
            eprintln!("error: {e}: {}", e.remedy());
            EXIT_READER
        }
    }
}
