//! The partner program's onboarding: invitations that let a person set their own password,
//! applications from companies that want to join, and the program's terms that a partner
//! accepts before it trades; and the certifications partners' people earn.

pub mod applications;
pub mod certifications;
pub mod graphql;
pub mod invitations;
pub mod qualification;
pub mod sweep;
pub mod terms;
