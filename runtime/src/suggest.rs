//! "Did you mean": the known names closest to one nobody knows, for the
//! errors of `cargo xtask` and `intercom-validate`.

/// How many close names an error lists at most.
const MOST: usize = 3;

/// How alike two names must be (Jaro-Winkler, from 0 to 1, ignoring case;
/// a name inside the other counts 0.1 more) to be suggested.
const CUTOFF: f64 = 0.8;

/// The names among `known` close to `name`, closest first (ties by name);
/// none when nothing is close: unrelated names would only mislead.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lowered = name.to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .into_iter()
        .map(|candidate| {
            let candidate_lowered = candidate.to_lowercase();
            let mut score = strsim::jaro_winkler(&lowered, &candidate_lowered);
            if candidate_lowered.contains(&lowered) || lowered.contains(&candidate_lowered) {
                score += 0.1;
            }
            (score, candidate)
        })
        .filter(|(score, _)| *score > CUTOFF)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(MOST)
        .map(|(_, name)| name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_come_closest_first_and_far_ones_not_at_all() {
        let known = ["contact", "company", "contact_list", "conversation", "tag"];
        assert_eq!(closest("contacts", known), ["contact", "contact_list"]);
        assert_eq!(closest("Contact_List", known), ["contact_list", "contact"]);
        assert_eq!(closest("xyz", known), Vec::<&str>::new());
        assert_eq!(
            closest("attachtagtocontact", ["attachTagToContact"]),
            ["attachTagToContact"]
        );
        // At most three, equally close ones by name.
        let many = ["note_d", "note_c", "note_b", "note_a"];
        assert_eq!(closest("note", many), ["note_a", "note_b", "note_c"]);
    }
}
