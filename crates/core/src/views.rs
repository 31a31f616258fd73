//! What the views (the elements, the page) choose from, decided once here and read by them
//! through `knownValues()` (the JS side is generated from it: `js/elements/vocab.js`, checked by
//! `node scripts/gen-vocab.mjs --check`): which task statuses mean "still running", the time
//! ranges offered, and the limits and defaults of the listings they start.

/// Task statuses of a task that has not ended (its bar runs to now, it is watched, counted as
/// executing).
pub const RUNNING_TASK_STATUSES: [&str; 2] = ["CREATED", "EXECUTING"];

/// The time ranges the views offer, by name: how far back from now, in milliseconds.
pub const TIME_RANGES: [(&str, u64); 4] = [
    ("1h", 3_600_000),
    ("24h", 86_400_000),
    ("7d", 7 * 86_400_000),
    ("30d", 30 * 86_400_000),
];

/// A view's range starts on a whole minute (its start rounded down to it): views opened within
/// the same minute ask DCS for the same range, so the proxy shares their reads
/// (`UPSTREAM_SHARE_MS`) instead of repeating them for every operator.
pub const RANGE_START_STEP_MS: u64 = 60_000;

/// Is `status` one of [`RUNNING_TASK_STATUSES`]?
pub fn is_running(status: &str) -> bool {
    RUNNING_TASK_STATUSES.contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_statuses_are_known_ones() {
        for s in RUNNING_TASK_STATUSES {
            assert!(dcs_tasks_parse::normalize::KNOWN_TASK_STATUSES.contains(&s));
        }
        assert!(is_running("EXECUTING") && !is_running("SUCCESS"));
        assert!(TIME_RANGES.windows(2).all(|w| w[0].1 < w[1].1));
    }
}
