//! A short fuzzing run of every loader in each `cargo test`: mutated real
//! files must never panic, hang or be refused without a clear message. The
//! long run (a million inputs per loader) is `cargo run --release --example
//! fuzz`; its figures are in the README.

#[path = "../../examples/fuzz/engine.rs"]
mod engine;

use std::path::Path;

#[test]
fn every_loader_survives_mutated_input() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch_dir = tempfile::tempdir().unwrap();
    let scratch = engine::Scratch::new(scratch_dir.path());
    let targets = engine::targets(repo);
    assert_eq!(targets.len(), 7);
    for target in &targets {
        assert!(!target.seeds.is_empty(), "{} has seeds", target.name);
        let r = engine::run(target, 600, 0xC0FFEE, &scratch);
        assert_eq!(r.executions, 600);
        // Mutations both pass and fail: the loader is really exercised.
        assert!(
            r.accepted > 0 && r.refused > 0,
            "{}: {} accepted, {} refused",
            target.name,
            r.accepted,
            r.refused
        );
        let show = |v: &[(Vec<u8>, String)]| {
            v.iter()
                .take(3)
                .map(|(i, m)| format!("{m} <- {:?}", String::from_utf8_lossy(&i[..i.len().min(300)])))
                .collect::<Vec<_>>()
        };
        assert!(r.panics.is_empty(), "{} panicked: {:?}", target.name, show(&r.panics));
        assert!(
            r.unclear.is_empty(),
            "{} refused unclearly: {:?}",
            target.name,
            show(&r.unclear)
        );
        assert!(
            r.hangs.is_empty(),
            "{} took {:?}",
            target.name,
            r.hangs.first().map(|h| h.1)
        );
    }
}

#[test]
fn mutations_are_deterministic_and_varied() {
    let seed = b"(format_version: 1, name: \"p\")".to_vec();
    let mut a = engine::Rng::new(7);
    let mut b = engine::Rng::new(7);
    let ma: Vec<Vec<u8>> = (0..50).map(|_| engine::mutate(&seed, &[], &mut a)).collect();
    let mb: Vec<Vec<u8>> = (0..50).map(|_| engine::mutate(&seed, &[], &mut b)).collect();
    assert_eq!(ma, mb);
    let distinct: std::collections::HashSet<&Vec<u8>> = ma.iter().collect();
    assert!(distinct.len() > 45, "{} distinct of 50", distinct.len());
    assert!(ma.iter().any(|m| *m != seed));
}
