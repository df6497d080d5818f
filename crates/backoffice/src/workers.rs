//! The service's own periodic work: completing orders (N4), purging the deletion queue
//! (N10) and clearing expired leases (E5); and, on a faster beat, announcing emergency
//! alerts another instance changed (E11, S2). Each step is safe to run from several
//! instances at once (see the modules that implement them), so every instance simply
//! runs its own workers; a failing step is logged and retried at the next tick, never
//! allowed to stop the others.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::alerts::AlertsSeen;
use crate::service::Backoffice;

/// How often alerts changed elsewhere are looked for: well inside E11's second.
const ALERT_WATCH: Duration = Duration::from_millis(200);

/// Running workers; stop them with [`Workers::stop`].
#[derive(Debug)]
pub struct Workers {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Asks the workers to stop after the step in progress, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

impl Backoffice {
    /// Runs one round of every periodic step now.
    pub async fn run_periodic_steps(&self) {
        if let Err(e) = self.complete_pending_orders().await {
            tracing::warn!(error = %e, "completing orders failed; retried next tick");
        }
        match self.purge_due().await {
            Ok(r) if !r.released.is_empty() || !r.failed.is_empty() => {
                tracing::info!(
                    released = r.released.len(),
                    failed = r.failed.len(),
                    "deletion queue purged"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging failed; retried next tick"),
        }
        if let Err(e) = self.expire_leases().await {
            tracing::warn!(error = %e, "expiring leases failed; retried next tick");
        }
    }

    /// Starts the periodic steps every `every` on the current tokio runtime.
    pub fn spawn_workers(&self, every: Duration) -> Workers {
        let (stop, mut stopped) = watch::channel(false);
        let bo = self.clone();
        let steps = tokio::spawn(async move {
            loop {
                bo.run_periodic_steps().await;
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        let mut stopped = stop.subscribe();
        let bo = self.clone();
        let alerts = tokio::spawn(async move {
            let mut seen = AlertsSeen::default();
            loop {
                if let Err(e) = bo.announce_changed_alerts(&mut seen).await {
                    tracing::warn!(error = %e, "watching alerts failed; retried next beat");
                }
                tokio::select! {
                    _ = tokio::time::sleep(ALERT_WATCH) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        Workers {
            stop,
            tasks: vec![steps, alerts],
        }
    }
}
