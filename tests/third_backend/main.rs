//! A third push backend, written only in this test ([`recorder::Recorder`]), registered
//! with one line and run through the engine's workflow: the same checks Direct push passes
//! (`tests/shared_workflow/`), and every step went through it.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;
mod recorder;
#[path = "../shared_workflow/mod.rs"]
mod shared_workflow;

use recorder::Recorder;
use std::sync::Arc;

#[tokio::test]
async fn a_backend_written_in_a_test_passes_the_shared_workflow() {
    let s = Arc::new(common::sandbox().await);
    let dir = tempfile::tempdir().unwrap();
    let recorder = Arc::new(Recorder::new(s.clone()));
    let mut ws = common::workspace(&s, dir.path());
    ws.push_with(recorder.clone());
    ws.import(|_| {}).await.unwrap();
    assert_eq!(ws.push_mode().label(), "Recorder");
    shared_workflow::every_step(&s, &mut ws).await;
    let asked = recorder.asked();
    for step in [
        "link",
        "push",
        "watch",
        "deactivate",
        "activate",
        "create",
        "unlink",
    ] {
        assert!(
            asked.iter().any(|a| a == step),
            "the engine asked the recorder to {step}: {asked:?}"
        );
    }
    assert_eq!(
        asked.iter().filter(|a| *a == "unlink").count(),
        2,
        "Leave and Delete each asked once (the wrong word asked nothing): {asked:?}"
    );
}
