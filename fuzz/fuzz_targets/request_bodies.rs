//! Any bytes as the JSON body of any request: refused or read, never a crash;
//! what is read is an object of exactly the request's shape, so writing it
//! back and reading it again gives the same request, and the domain parse of
//! it never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tawasul_core::api::strict::from_value;
use tawasul_core::api::*;

fn read<T: DeserializeOwned + Serialize>(value: &serde_json::Value) -> Option<T> {
    let request: T = from_value(value).ok()?;
    assert!(value.is_object(), "only an object is read as a request");
    let written = serde_json::to_value(&request).expect("a request serialises");
    let again: T = from_value(&written).expect("what was read is read again");
    assert_eq!(serde_json::to_value(&again).expect("serialises"), written);
    Some(request)
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Some(r) = read::<RegisterRequest>(&value) {
        let _ = r.parse();
    }
    read::<LoginRequest>(&value);
    if let Some(r) = read::<ChangePasswordRequest>(&value) {
        let _ = r.parse(&["1000000008", "sara@example.sa"]);
    }
    read::<LogoutRequest>(&value);
    if let Some(r) = read::<CreateEntityRequest>(&value) {
        let _ = r.parse();
    }
    if let Some(r) = read::<CreateEmployeeRequest>(&value) {
        let _ = r.parse();
    }
    if let Some(r) = read::<UpdateEmployeeRequest>(&value) {
        let _ = r.parse();
    }
    if let Some(r) = read::<CreateTransactionTypeRequest>(&value) {
        let _ = r.parse();
    }
    if let Some(r) = read::<CreateRegulatorRequest>(&value) {
        let _ = r.parse();
    }
    if let Some(r) = read::<CreateTransactionRequest>(&value) {
        let _ = r.parse();
    }
    if let Some(r) = read::<CommentRequest>(&value) {
        let _ = r.parse();
    }
    read::<PostponeRequest>(&value);
    read::<RateRequest>(&value);
});
