//! ASC X12 EDI: partners' ERPs exchange the trade model's orders, acknowledgements, ship
//! notices, invoices and reports as X12 documents. So far: reading and
//! writing the envelope (and the TA1), which the transaction set mappings and the `/edi/x12`
//! endpoint will go through.

pub mod envelope;
pub mod sets;
pub mod writer;
