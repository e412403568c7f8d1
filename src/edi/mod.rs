//! ASC X12 EDI: partners' ERPs exchange the trade model's orders, acknowledgements, ship
//! notices, invoices and reports as X12 documents. So far: the envelope, which the
//! transaction set mappings and the `/edi/x12` endpoint will read and write through.

pub mod envelope;
