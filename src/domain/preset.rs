//! Permission presets: templates an owner applies to a sub-account's
//! checkboxes. The built-in ones are the same for every account; owners
//! add their own. A preset is only a starting point: the checkboxes, once
//! saved, are the truth.

use serde::{Deserialize, Serialize};

use super::{FieldError, Permission, PermissionSet};

/// The presets every account has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltInPreset {
    Sender,
    Analyst,
    Accountant,
    ReadOnly,
}

impl BuiltInPreset {
    pub const ALL: [BuiltInPreset; 4] = [
        BuiltInPreset::Sender,
        BuiltInPreset::Analyst,
        BuiltInPreset::Accountant,
        BuiltInPreset::ReadOnly,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BuiltInPreset::Sender => "Sender",
            BuiltInPreset::Analyst => "Analyst",
            BuiltInPreset::Accountant => "Accountant",
            BuiltInPreset::ReadOnly => "Read-only",
        }
    }

    fn key(self) -> &'static str {
        match self {
            BuiltInPreset::Sender => "sender",
            BuiltInPreset::Analyst => "analyst",
            BuiltInPreset::Accountant => "accountant",
            BuiltInPreset::ReadOnly => "read-only",
        }
    }

    pub fn permissions(self) -> PermissionSet {
        use Permission::*;
        let set: &[Permission] = match self {
            BuiltInPreset::Sender => &[SendBulk, UseDatabase, SenderView],
            // Numbers masked: the report without "Can See Analytics Details".
            BuiltInPreset::Analyst => &[UseAnalytics, UseAnalyticsDetails],
            BuiltInPreset::Accountant => &[SeePrices, SeeFinance, TopUp],
            // Every permission that only shows: no export, no send, no change.
            BuiltInPreset::ReadOnly => &[
                SenderView,
                UseAnalytics,
                UseAnalyticsDetails,
                SeeAnalyticsDetails,
                SeeIncomingSms,
                SeeBlockedSms,
                SeePrices,
                SeeFinance,
            ],
        };
        set.iter().copied().collect()
    }
}

/// Which preset a form names: `builtin:<key>` or `own:<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetRef {
    BuiltIn(BuiltInPreset),
    Own(i64),
}

impl PresetRef {
    pub fn key(self) -> String {
        match self {
            PresetRef::BuiltIn(preset) => format!("builtin:{}", preset.key()),
            PresetRef::Own(id) => format!("own:{id}"),
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.split_once(':')? {
            ("builtin", key) => BuiltInPreset::ALL
                .into_iter()
                .find(|preset| preset.key() == key)
                .map(PresetRef::BuiltIn),
            ("own", id) => id.parse().ok().filter(|id| *id > 0).map(PresetRef::Own),
            _ => None,
        }
    }
}

/// A preset as the pages offer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Preset {
    /// 0 for the built-in presets.
    pub id: i64,
    pub name: String,
    /// The permissions' keys, comma-separated.
    pub permissions: String,
}

impl Preset {
    pub fn built_in(preset: BuiltInPreset) -> Self {
        Self {
            id: 0,
            name: preset.name().to_owned(),
            permissions: preset
                .permissions()
                .iter()
                .map(Permission::key)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    pub fn is_built_in(&self) -> bool {
        self.id == 0
    }

    /// What the preset ticks; keys no longer in the catalogue tick nothing.
    pub fn set(&self) -> PermissionSet {
        self.permissions
            .split(',')
            .filter_map(Permission::from_key)
            .collect()
    }

    pub fn reference(&self) -> PresetRef {
        match self.is_built_in() {
            true => BuiltInPreset::ALL
                .into_iter()
                .find(|preset| preset.name() == self.name)
                .map_or(PresetRef::Own(0), PresetRef::BuiltIn),
            false => PresetRef::Own(self.id),
        }
    }
}

/// An owner's name for a preset: 1–60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresetName(String);

impl PresetName {
    pub const MAX: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(FieldError("Name the preset after a role, e.g. Support."));
        }
        if value.chars().count() > Self::MAX {
            return Err(FieldError("A preset name has at most 60 characters."));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError(
                "A preset name cannot contain control characters.",
            ));
        }
        if BuiltInPreset::ALL
            .into_iter()
            .any(|preset| preset.name().eq_ignore_ascii_case(&value))
        {
            return Err(FieldError(
                "A built-in preset has that name: choose another.",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_presets_hold_their_own_requirements() {
        for preset in BuiltInPreset::ALL {
            let set = preset.permissions();
            assert_eq!(set.missing_requirement(), None, "{}", preset.name());
            let reference = PresetRef::BuiltIn(preset);
            assert_eq!(PresetRef::parse(&reference.key()), Some(reference));
            assert_eq!(Preset::built_in(preset).set(), set);
            assert_eq!(Preset::built_in(preset).reference(), reference);
        }
    }

    #[test]
    fn read_only_shows_everything_and_changes_nothing() {
        let read_only = BuiltInPreset::ReadOnly.permissions();
        for changes in [
            Permission::SendBulk,
            Permission::UseDatabase,
            Permission::TopUp,
            Permission::ProfileEdit,
            Permission::AnalyticsDetailsExport,
            Permission::IncomingSmsExport,
            Permission::BlockedSmsExport,
        ] {
            assert!(!read_only.contains(changes), "{changes:?}");
        }
        assert_eq!(read_only.len(), 15 - 7);
    }

    #[test]
    fn preset_references_and_names_refuse_what_they_cannot_be() {
        assert_eq!(PresetRef::parse("own:12"), Some(PresetRef::Own(12)));
        for refused in ["own:0", "own:-1", "own:x", "builtin:boss", "sender", ""] {
            assert_eq!(PresetRef::parse(refused), None, "{refused}");
        }
        assert_eq!(
            PresetName::parse("  Night   shift ").unwrap().as_str(),
            "Night shift"
        );
        for refused in ["", "   ", "read-only", "SENDER", "a\u{7}b", &"x".repeat(61)] {
            assert!(PresetName::parse(refused).is_err(), "{refused:?}");
        }
    }
}
