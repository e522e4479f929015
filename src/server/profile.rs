//! The account profile.

use crate::server::db::Pool;
use crate::server::db::Write as _;

use crate::{
    domain::wire::{
        profile::{Profile, TIMEZONES},
        AppError, FormErrors,
    },
    domain::{CompanyName, Email, Phone},
};

pub struct ProfileFields {
    pub company: CompanyName,
    pub email: Email,
    pub phone: Phone,
    pub timezone: &'static str,
}

impl ProfileFields {
    pub fn parse(
        company: &str,
        email: &str,
        phone: &str,
        timezone: &str,
    ) -> Result<Self, AppError> {
        let mut errors = FormErrors::default();
        for (field, value) in [
            ("company", company),
            ("contact_email", email),
            ("contact_phone", phone),
            ("timezone", timezone),
        ] {
            errors.keep(field, value);
        }
        let company = match CompanyName::parse_optional(company) {
            Ok(Some(company)) => Some(company),
            Ok(None) => {
                errors.add("company", "Enter the company name.");
                None
            }
            Err(error) => {
                errors.add("company", error);
                None
            }
        };
        let email = errors.check("contact_email", Email::parse(email));
        let phone = errors.check("contact_phone", Phone::parse(phone));
        let timezone = TIMEZONES.iter().copied().find(|t| *t == timezone);
        if timezone.is_none() {
            errors.add("timezone", "Choose a time zone from the list.");
        }
        match (company, email, phone, timezone) {
            (Some(company), Some(email), Some(phone), Some(timezone)) => Ok(Self {
                company,
                email,
                phone,
                timezone,
            }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

pub async fn load(pool: &Pool, account_id: i64) -> Result<Profile, sqlx::Error> {
    let (company, contact_email, contact_phone, timezone, updated_by): (
        String,
        String,
        String,
        String,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT a.name, a.contact_email, a.contact_phone, a.timezone, u.login FROM accounts a \
             LEFT JOIN users u ON u.id = a.profile_updated_by WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await?;
    Ok(Profile {
        company,
        contact_email,
        contact_phone,
        timezone,
        updated_by,
        manages_api_keys: false,
    })
}

pub async fn save(
    pool: &Pool,
    account_id: i64,
    user_id: i64,
    fields: &ProfileFields,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounts SET name = $2, contact_email = $3, contact_phone = $4, timezone = $5, profile_updated_by = $6 WHERE id = $1",
    )
    .bind(account_id)
    .bind(fields.company.as_str())
    .bind(fields.email.as_str())
    .bind(fields.phone.as_str())
    .bind(fields.timezone)
    .bind(user_id)
    .write(pool)
    .await?;
    Ok(())
}
