//! What clients send: interchanges, document filters and cross-references.

use async_graphql::{ID, InputObject, MaybeUndefined};
use uuid::Uuid;

use super::types::*;
use crate::edi::cross_references::{self, Code, ItemReference, LocationReference};
use crate::edi::service::DocumentFilter;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{NodeType, argument_id};
use crate::organizations::graphql::input_id;

/// Narrows `ediDocuments`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct EdiDocumentFilter {
    /// Only this partner's.
    pub partner_id: Option<ID>,
    /// Only received or only sent ones.
    pub direction: Option<EdiDirection>,
    /// Only production or only test traffic.
    pub usage: Option<EdiUsage>,
    /// Only those with this status.
    pub status: Option<EdiStatus>,
    /// Only this transaction set, for example `850`.
    pub transaction_set: Option<String>,
    /// Only those of this order.
    pub order_id: Option<ID>,
    /// Only those carrying this reference (a PO number).
    pub reference: Option<String>,
    /// Only sets the brand sent that stand so with the partner's 997: `OVERDUE` lists those
    /// whose 997 is past due.
    pub acknowledgement: Option<EdiAcknowledgement>,
}

impl EdiDocumentFilter {
    pub(super) fn parse(self) -> crate::error::Result<DocumentFilter> {
        Ok(DocumentFilter {
            organization_id: argument_id(
                "filter.partnerId",
                self.partner_id.as_ref(),
                NodeType::Organization,
            )?,
            direction: self.direction.map(Into::into),
            usage: self.usage.map(Into::into),
            status: self.status.map(Into::into),
            transaction_set: self.transaction_set.map(|t| t.trim().to_owned()),
            order_id: argument_id("filter.orderId", self.order_id.as_ref(), NodeType::Order)?,
            reference: self.reference.map(|r| r.trim().to_owned()),
            acknowledgement: self.acknowledgement.map(Into::into),
        })
    }
}

/// An X12 interchange to receive.
#[derive(InputObject)]
pub struct EdiSubmitInput {
    /// The interchange, ISA to IEA, with the delimiters its ISA declares.
    pub document: String,
}

/// The separators to send a partner; given, they replace all four, and one left out takes
/// its default.
#[derive(InputObject)]
pub struct X12SeparatorsInput {
    /// One character, neither a letter, a digit nor a space. Default `*`.
    pub element: Option<String>,
    /// One character. Default `:`.
    pub component: Option<String>,
    /// One character, or null for none (004010 has none). Left out, `^`.
    pub repetition: MaybeUndefined<String>,
    /// One character, optionally followed by `\n` or `\r\n` (`~\n`), or a line break alone
    /// (`\n`). Default `~`.
    pub segment: Option<String>,
}

fn one_separator(field: &str, value: &str) -> crate::error::Result<char> {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control() => Ok(c),
        _ => Err(Error::user(
            &["input", "separators", field],
            ErrorCode::Invalid,
            format!(
                "{field} must be one character that is not a letter, a digit, white space or a \
                 control character"
            ),
        )),
    }
}

impl X12SeparatorsInput {
    fn parse(self) -> crate::error::Result<crate::edi::partners::Separators> {
        let element = one_separator("element", self.element.as_deref().unwrap_or("*"))?;
        let component = one_separator("component", self.component.as_deref().unwrap_or(":"))?;
        let repetition = match self.repetition {
            MaybeUndefined::Undefined => Some('^'),
            MaybeUndefined::Null => None,
            MaybeUndefined::Value(r) => Some(one_separator("repetition", &r)?),
        };
        let terminator = self.segment.as_deref().unwrap_or("~");
        let (segment, line_break) = match terminator {
            "\n" => ('\n', ""),
            "\r\n" => ('\r', "\n"),
            t => {
                let first = t.chars().next().unwrap_or(' ');
                let rest = &t[first.len_utf8().min(t.len())..];
                let line_break = match rest {
                    "" => "",
                    "\n" => "\n",
                    "\r\n" => "\r\n",
                    _ => {
                        return Err(Error::user(
                            &["input", "separators", "segment"],
                            ErrorCode::Invalid,
                            "segment must be one character, optionally followed by a line break",
                        ));
                    }
                };
                (one_separator("segment", &first.to_string())?, line_break)
            }
        };
        let all = [Some(element), Some(component), repetition, Some(segment)];
        let distinct = all
            .iter()
            .flatten()
            .enumerate()
            .all(|(i, c)| !all.iter().flatten().skip(i + 1).any(|d| d == c));
        if !distinct {
            return Err(Error::user(
                &["input", "separators"],
                ErrorCode::Invalid,
                "the separators must all differ",
            ));
        }
        Ok(crate::edi::partners::Separators {
            element,
            component,
            repetition,
            segment,
            line_break,
        })
    }
}

/// A trading-partner profile to set up or change. Fields left out keep what is set (the
/// defaults, for a new profile).
#[derive(InputObject)]
pub struct EdiPartnerConfigureInput {
    /// The organization.
    pub organization_id: ID,
    /// ISA06/ISA08: 2 to 15 letters, digits, `-` or `_`; unique among partners. Required for
    /// a new profile. An organization not set up is known by its partner code.
    pub edi_id: Option<String>,
    /// ISA05/ISA07, an interchange id qualifier (`ZZ`, `01`, `14`, …). Default `ZZ`.
    pub qualifier: Option<String>,
    /// GS02/GS03 when it differs from the EDI id; an empty string clears it.
    pub group_id: Option<String>,
    /// The release it is sent: sets ISA12 (`00401` or `00501`) and GS08. Default 005010.
    pub version: Option<X12Version>,
    /// ISA12 of what it is sent, more precisely than `version`.
    pub interchange_version: Option<InterchangeVersion>,
    /// GS08 of what it is sent, more precisely than `version`; of the ISA12's release.
    pub group_version: Option<GroupVersion>,
    /// The separators of what it is sent.
    pub separators: Option<X12SeparatorsInput>,
    /// Whether it is sent 997s. Default true.
    pub functional_acks: Option<bool>,
    /// When it is sent a TA1. Default `WHEN_REQUESTED`.
    pub interchange_acks: Option<InterchangeAcks>,
    /// Whether its test interchanges are taken. Default true.
    pub test_traffic: Option<bool>,
    /// How the bytes it sends are read. Default `UTF_8`.
    pub encoding: Option<TextEncoding>,
    /// Minutes after a set is sent by which its 997 is due: 0 to 43200 (30 days). Default
    /// 1440.
    pub ack_window_minutes: Option<i32>,
    /// Minutes after goods ship by which their 856 is due: 0 to 43200. Default 1440.
    pub ship_notice_window_minutes: Option<i32>,
}

/// A window in minutes: 0 to 30 days.
fn window(field: &str, value: Option<i32>) -> crate::error::Result<Option<i32>> {
    match value {
        Some(v) if !(0..=43_200).contains(&v) => Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!("{field} must be from 0 to 43200; it was {v}"),
        )),
        v => Ok(v),
    }
}

impl EdiPartnerConfigureInput {
    pub(super) fn parse(self) -> crate::error::Result<crate::edi::partners::ProfileChange> {
        let qualifier = match self.qualifier {
            None => None,
            Some(q) => {
                let q = q.trim().to_uppercase();
                if !crate::edi::envelope::id_qualifier(&q) {
                    return Err(Error::user(
                        &["input", "qualifier"],
                        ErrorCode::Invalid,
                        format!("`{q}` is not an interchange id qualifier (ZZ, 01, 14, …)"),
                    ));
                }
                Some(q)
            }
        };
        let group_id = match self.group_id.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(g) => Some(Some(crate::domain::partner_code(&["input", "groupId"], g)?)),
        };
        let (mut interchange_version, mut group_version) = match self.version {
            None => (None, None),
            Some(X12Version::V004010) => (Some("00401".to_owned()), Some(None)),
            Some(X12Version::V005010) => (Some("00501".to_owned()), Some(None)),
        };
        if let Some(v) = self.interchange_version {
            interchange_version = Some(v.isa().to_owned());
        }
        if let Some(v) = self.group_version {
            group_version = Some(Some(v.gs().to_owned()));
        }
        Ok(crate::edi::partners::ProfileChange {
            organization_id: crate::organizations::graphql::input_id(
                "organizationId",
                &self.organization_id,
                NodeType::Organization,
            )?,
            qualifier,
            edi_id: self
                .edi_id
                .map(|id| crate::domain::partner_code(&["input", "ediId"], &id))
                .transpose()?,
            group_id,
            interchange_version,
            group_version,
            separators: self.separators.map(X12SeparatorsInput::parse).transpose()?,
            functional_acks: self.functional_acks,
            interchange_acks: self.interchange_acks.map(Into::into),
            test_traffic: self.test_traffic,
            encoding: self.encoding.map(Into::into),
            ack_window_minutes: window("ackWindowMinutes", self.ack_window_minutes)?,
            ship_notice_window_minutes: window(
                "shipNoticeWindowMinutes",
                self.ship_notice_window_minutes,
            )?,
        })
    }
}

pub(super) fn parse_partner(raw: &ID) -> Result<Uuid> {
    input_id("partnerId", raw, NodeType::Organization)
}

/// One item code of the partner's and the product it names.
#[derive(InputObject)]
pub struct EdiItemReferenceInput {
    /// What kind of code it is.
    pub qualifier: ItemQualifier,
    /// The partner's code: 1 to 48 characters, no control characters.
    pub code: String,
    /// Our product's SKU.
    pub sku: String,
}

/// An item code to remove.
#[derive(InputObject)]
pub struct EdiItemCodeInput {
    /// What kind of code it is.
    pub qualifier: ItemQualifier,
    /// The partner's code.
    pub code: String,
}

/// Item references to set and remove, all or nothing.
#[derive(InputObject)]
pub struct EdiItemReferencesSetInput {
    /// The trading partner.
    pub partner_id: ID,
    /// Codes to set: a code set before now names the product given. At most 1000.
    #[graphql(default)]
    pub references: Vec<EdiItemReferenceInput>,
    /// Codes to remove. At most 1000.
    #[graphql(default)]
    pub remove: Vec<EdiItemCodeInput>,
}

/// One location code of the partner's and the address it names.
#[derive(InputObject)]
pub struct EdiLocationReferenceInput {
    /// What kind of code it is.
    pub qualifier: LocationQualifier,
    /// The partner's code: 1 to 80 characters, no control characters.
    pub code: String,
    /// One of the partner's addresses.
    pub address_id: ID,
}

/// A location code to remove.
#[derive(InputObject)]
pub struct EdiLocationCodeInput {
    /// What kind of code it is.
    pub qualifier: LocationQualifier,
    /// The partner's code.
    pub code: String,
}

/// Location references to set and remove, all or nothing.
#[derive(InputObject)]
pub struct EdiLocationReferencesSetInput {
    /// The trading partner.
    pub partner_id: ID,
    /// Codes to set: a code set before now names the address given. At most 1000.
    #[graphql(default)]
    pub references: Vec<EdiLocationReferenceInput>,
    /// Codes to remove. At most 1000.
    #[graphql(default)]
    pub remove: Vec<EdiLocationCodeInput>,
}

/// A partner's code as given: trimmed, 1 to `max` characters, no control characters.
fn partner_code(field: &[&str], value: &str, max: usize) -> Result<String> {
    let code = crate::domain::required_text(field, value, max)?;
    if let Some(why) = crate::edi::envelope::bad_character(&code) {
        return Err(Error::user(
            field,
            ErrorCode::Invalid,
            format!("code {why}"),
        ));
    }
    Ok(code)
}

fn check_size(field: &str, n: usize) -> Result<()> {
    if n > cross_references::MAX_REFERENCES {
        return Err(Error::user(
            &["input", field],
            ErrorCode::OutOfRange,
            format!(
                "{n} are more than the {} one request may carry",
                cross_references::MAX_REFERENCES
            ),
        ));
    }
    Ok(())
}

impl EdiItemReferencesSetInput {
    pub(super) fn parse(self) -> Result<(Uuid, Vec<ItemReference>, Vec<Code>)> {
        check_size("references", self.references.len())?;
        check_size("remove", self.remove.len())?;
        let set = self
            .references
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let at = |name: &str| {
                    [
                        "input".to_owned(),
                        "references".into(),
                        i.to_string(),
                        name.into(),
                    ]
                };
                let code_field = at("code");
                let sku_field = at("sku");
                Ok(ItemReference {
                    qualifier: r.qualifier.code().to_owned(),
                    code: partner_code(&code_field.each_ref().map(String::as_str), &r.code, 48)?,
                    sku: crate::domain::sku(&sku_field.each_ref().map(String::as_str), &r.sku)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let remove = self
            .remove
            .into_iter()
            .map(|r| Code {
                qualifier: r.qualifier.code().to_owned(),
                code: r.code.trim().to_owned(),
            })
            .collect();
        Ok((parse_partner(&self.partner_id)?, set, remove))
    }
}

impl EdiLocationReferencesSetInput {
    pub(super) fn parse(self) -> Result<(Uuid, Vec<LocationReference>, Vec<Code>)> {
        check_size("references", self.references.len())?;
        check_size("remove", self.remove.len())?;
        let set = self
            .references
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let at = |name: &str| {
                    [
                        "input".to_owned(),
                        "references".into(),
                        i.to_string(),
                        name.into(),
                    ]
                };
                let code_field = at("code");
                Ok(LocationReference {
                    qualifier: r.qualifier.code().to_owned(),
                    code: partner_code(&code_field.each_ref().map(String::as_str), &r.code, 80)?,
                    address_id: input_id("addressId", &r.address_id, NodeType::Address).map_err(
                        |e| match e {
                            Error::User(u) => {
                                let path = at("addressId");
                                Error::user(&path.each_ref().map(String::as_str), u.code, u.message)
                            }
                            other => other,
                        },
                    )?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let remove = self
            .remove
            .into_iter()
            .map(|r| Code {
                qualifier: r.qualifier.code().to_owned(),
                code: r.code.trim().to_owned(),
            })
            .collect();
        Ok((parse_partner(&self.partner_id)?, set, remove))
    }
}
