//! `integer` with `format: date-time` (or `timestamp`): the reference's Unix
//! seconds. A type of its own, so that a timestamp is not mistaken for a count,
//! and stored as written, so that nothing is lost in a round trip.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Seconds since the Unix epoch, as the Intercom API sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn seconds(self) -> i64 {
        self.0
    }

    /// The instant, or `None` when it cannot be represented by `SystemTime`.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let offset = Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(offset)
        } else {
            UNIX_EPOCH.checked_sub(offset)
        }
    }
}

impl From<i64> for Timestamp {
    fn from(seconds: i64) -> Self {
        Timestamp(seconds)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "integer", "format": "date-time" })
    }

    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_a_plain_integer() {
        let t: Timestamp = serde_json::from_str("1663597223").unwrap();
        assert_eq!(t.seconds(), 1663597223);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1663597223");
        assert_eq!(
            Timestamp(-1).to_system_time(),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
    }
}
