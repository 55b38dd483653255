//! Case records: the validated, columnar table the scorer reads (schema in [`crate::score`]).
//!
//! - `schema.rs`: the column names and their order, the positions of the instant and person
//!   columns, each column's type, the "no value" markers, how an error names a cell.
//! - `columns.rs`: [`Columns`], the table as callers hand it in, and reading one column as a
//!   type.
//! - `text.rs`: text columns resolved to indices, each distinct value looked up once.
//! - `validate.rs`: [`Records::from_columns`], every rule of the schema.
//! - `problems.rs`: the validation modes ([`OnError`]): every bad row collected, or dropped.
//! - `deadlines.rs`: the deadlines computed from the catalog when their column is absent.
//! - `table.rs`: [`Records`] and its queries ([`Records::grid_load`], [`Records::to_columns`], …).

mod columns;
mod deadlines;
mod problems;
mod schema;
mod table;
mod text;
mod validate;

pub use columns::{ColumnData, Columns};
pub use problems::{Checked, OnError, Problem};
pub use schema::{
    APPROVAL_COLUMNS, CHECK_COLUMNS, ColumnType, DEADLINE_COLUMNS, DISPATCH_COLUMNS,
    LIST_SEPARATOR, NO_TIME, NONE, ORDER_COLUMNS, PERSON_COLUMNS, SCHEMA_VERSION, SHELF_COLUMNS,
    TIME_COLUMNS, column_type, schema_columns,
};
pub(crate) use schema::{p, t};
pub use table::Records;
