//! Access: who is calling and how they proved it. Passwords, signed access tokens,
//! refresh tokens and API token secrets.

pub mod api_tokens;
pub mod credentials;
pub mod graphql;
pub mod jwt;
pub mod loaders;
pub mod password;
pub mod secrets;
pub mod service;
pub mod throttle;
