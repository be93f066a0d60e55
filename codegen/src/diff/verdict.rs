//! Verdicts: whether a change breaks a client on the wire, judged in each
//! direction its schema is used.

use super::{Change, Direction, Kind, Verdict};

/// What the verdict of a change rests on beyond its kind and direction.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerdictInputs {
    /// The removed property was required, or the added request body is.
    pub was_required: bool,
    /// The added response status is a success (`2XX` or `default`).
    pub success_status: bool,
    /// The property was added to an object whose old model does not keep
    /// unknown properties: not absorbed.
    pub refused_by_old_model: bool,
}

/// Sets the verdict of `change`, the strictest of its directions, and the
/// directions in which it is that strict.
pub(super) fn judge(change: &mut Change) {
    let directions: &[(Direction, bool)] = match change.direction {
        Direction::Request => &[(Direction::Request, true)],
        Direction::Response => &[(Direction::Response, false)],
        Direction::Both | Direction::None => {
            &[(Direction::Request, true), (Direction::Response, false)]
        }
    };
    let verdicts: Vec<(Direction, Verdict)> = directions
        .iter()
        .map(|(d, request)| {
            (
                *d,
                directional(change.kind, *request, &change.verdict_inputs),
            )
        })
        .collect();
    let worst = verdicts
        .iter()
        .map(|(_, v)| *v)
        .min()
        .unwrap_or(Verdict::NonBreaking);
    change.verdict = worst;
    change.breaks_in = if worst == Verdict::NonBreaking {
        Vec::new()
    } else {
        verdicts
            .iter()
            .filter(|(_, v)| *v == worst)
            .map(|(d, _)| *d)
            .collect()
    };
}

/// The verdict of a change kind used in one direction.
fn directional(kind: Kind, request: bool, inputs: &VerdictInputs) -> Verdict {
    use Verdict::{Absorbed, Breaking, NonBreaking};
    match (kind, request) {
        (Kind::PropertyAddedOptional, true) => NonBreaking,
        (Kind::PropertyAddedOptional | Kind::PropertyAddedRequired, false) => {
            if inputs.refused_by_old_model {
                Breaking
            } else {
                Absorbed
            }
        }
        (Kind::PropertyAddedRequired, true) => Breaking,
        (Kind::PropertyRemoved, true) => Breaking,
        (Kind::PropertyRemoved, false) => {
            if inputs.was_required {
                Breaking
            } else {
                NonBreaking
            }
        }
        (Kind::BecameRequired, true) | (Kind::BecameOptional, false) => Breaking,
        (Kind::BecameRequired, false) | (Kind::BecameOptional, true) => NonBreaking,
        (Kind::BecameNullable, false) | (Kind::BecameNotNullable, true) => Breaking,
        (Kind::BecameNullable, true) | (Kind::BecameNotNullable, false) => NonBreaking,
        (Kind::TypeChanged | Kind::RefTargetChanged | Kind::FormatChanged, _) => Breaking,
        (Kind::DiscriminatorChanged, _) => Breaking,
        (Kind::EnumValueRemoved, true) => Breaking,
        (Kind::EnumValueRemoved, false) => NonBreaking,
        (Kind::EnumValueAdded, true) => NonBreaking,
        (Kind::EnumValueAdded, false) => Absorbed,
        (Kind::EnumConstrained, true) => Breaking,
        (Kind::EnumConstrained, false) => NonBreaking,
        (Kind::EnumUnconstrained, true) => NonBreaking,
        (Kind::EnumUnconstrained, false) => Absorbed,
        (Kind::BranchAdded, true) | (Kind::BranchRemoved, false) => NonBreaking,
        (Kind::BranchAdded, false) | (Kind::BranchRemoved, true) => Breaking,
        (Kind::ConstraintTightened, true) | (Kind::ConstraintLoosened, false) => Breaking,
        (Kind::ConstraintTightened, false) | (Kind::ConstraintLoosened, true) => NonBreaking,
        (Kind::SchemaAdded, _) => NonBreaking,
        (Kind::SchemaRemoved, _) => Breaking,
        (Kind::OperationAdded, _) => NonBreaking,
        (Kind::OperationRemoved, _) => Breaking,
        (Kind::RequestBodyAdded, _) => {
            if inputs.was_required {
                Breaking
            } else {
                NonBreaking
            }
        }
        (Kind::RequestBodyRemoved | Kind::RequestBodyRequired, _) => Breaking,
        (Kind::ResponseStatusAdded, _) => {
            if inputs.success_status {
                Breaking
            } else {
                NonBreaking
            }
        }
        (Kind::ResponseStatusRemoved, _) => NonBreaking,
    }
}
