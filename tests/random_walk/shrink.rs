//! Shrinking: the shortest sub-sequence of a failing walk that still fails, found by
//! removing chunks of steps (halves, then quarters, … then single steps) while the walk
//! still breaks a promise.

use crate::steps::Step;

/// The shortest sequence found that still fails (`fails` runs a sequence and says
/// whether it broke a promise), trying at most `budget` runs.
pub fn shrink(steps: &[Step], mut budget: usize, fails: impl Fn(&[Step]) -> bool) -> Vec<Step> {
    let mut best = steps.to_vec();
    let mut chunk = best.len().div_ceil(2).max(1);
    loop {
        let mut removed = false;
        let mut start = 0;
        while start < best.len() && budget > 0 {
            let mut trial = best.clone();
            trial.drain(start..(start + chunk).min(trial.len()));
            budget -= 1;
            if !trial.is_empty() && fails(&trial) {
                best = trial;
                removed = true;
            } else {
                start += chunk;
            }
        }
        if budget == 0 || (chunk == 1 && !removed) {
            return best;
        }
        if !removed {
            chunk = chunk.div_ceil(2).max(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinking_keeps_only_the_steps_that_make_a_walk_fail() {
        // A walk "fails" when it refreshes after a check: two steps of twelve.
        let steps: Vec<Step> = (0..12)
            .map(|i| match i {
                3 => Step::CheckNow,
                9 => Step::Refresh,
                _ => Step::RetryAll,
            })
            .collect();
        let fails = |s: &[Step]| {
            let check = s.iter().position(|x| *x == Step::CheckNow);
            let refresh = s.iter().rposition(|x| *x == Step::Refresh);
            matches!((check, refresh), (Some(c), Some(r)) if c < r)
        };
        assert!(fails(&steps));
        assert_eq!(
            shrink(&steps, 500, fails),
            vec![Step::CheckNow, Step::Refresh]
        );
    }
}
