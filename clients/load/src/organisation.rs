//! The organisation a benchmark runs against, set up through the API as an
//! entity admin would: entities of departments of employees (the first of
//! each department its supervisor), one transaction type per department
//! routed round robin, registered beneficiaries, and a regulator of the first
//! three entities. Every login ends in the benchmark's own domain.

use tawasul_client::Client;
use tawasul_core::api::*;
use tawasul_core::ids::{DepartmentId, EntityId, TransactionTypeId, UserId};
use tawasul_search::sample::Shape;

use crate::{ADMIN, PASSWORD, beneficiary, request_type, valid_id};

/// Someone the benchmark signs in as (each server start has a new address).
pub struct Person {
    pub id: UserId,
    pub login: String,
}

pub struct Organisation {
    pub entities: Vec<EntityId>,
    /// The admin of each entity.
    pub admins: Vec<String>,
    /// [entity][department]
    pub departments: Vec<Vec<DepartmentId>>,
    pub types: Vec<Vec<TransactionTypeId>>,
    /// [entity][department][k]
    pub employees: Vec<Vec<Vec<Person>>>,
    pub beneficiaries: Vec<Person>,
    pub regulator: String,
}

/// How many of the first entities the regulator oversees.
pub const REGULATED: usize = 3;

impl Organisation {
    pub async fn set_up(url: &str, shape: &Shape, domain: &str) -> anyhow::Result<Organisation> {
        let anon = Client::new(url);
        let platform = anon.with_token(anon.login(ADMIN, PASSWORD).await?.access_token);
        let mut org = Organisation {
            entities: vec![],
            admins: vec![],
            departments: vec![],
            types: vec![],
            employees: vec![],
            beneficiaries: vec![],
            regulator: format!("regulator@{domain}"),
        };
        for e in 0..shape.entities as u32 {
            let admin_email = format!("admin{e}@{domain}");
            let created = platform
                .create_entity(&CreateEntityRequest {
                    name_ar: format!("جهة رقم {e}"),
                    name_en: format!("Entity {e}"),
                    kind: "government".into(),
                    unified_number: format!("79{e:08}"),
                    admin: NewEntityAdminRequest {
                        name_ar: "مسؤول".into(),
                        name_en: "Admin".into(),
                        email: admin_email.clone(),
                        mobile: format!("0568{e:06}"),
                        national_id: valid_id(1, 98_000_000 + e),
                        initial_password: Some(PASSWORD.into()),
                    },
                })
                .await?;
            let entity = created.entity.id;
            let admin = anon.with_token(anon.login(&admin_email, PASSWORD).await?.access_token);
            let (mut depts, mut types, mut staff) = (vec![], vec![], vec![]);
            for d in 0..shape.departments as u32 {
                let dept = admin
                    .create_department(
                        entity,
                        &CreateDepartmentRequest {
                            name_ar: format!("إدارة {d}"),
                            name_en: format!("Dept {d}"),
                            parent_id: None,
                        },
                    )
                    .await?;
                let mut people = vec![];
                for k in 0..shape.employees as u32 {
                    let n = (e * 10 + d) * 10 + k;
                    let email = format!("e{n}@{domain}");
                    let role = if k == 0 { "supervisor" } else { "employee" };
                    let view = admin
                        .create_employee(
                            entity,
                            &CreateEmployeeRequest {
                                name_ar: format!("موظف {n}"),
                                name_en: format!("Employee {n}"),
                                email: email.clone(),
                                mobile: format!("0571{n:06}"),
                                national_id: valid_id(1, 71_000_000 + n),
                                department_ids: vec![dept.id.to_string()],
                                role: role.into(),
                                grant: None,
                                revoke: None,
                                initial_password: Some(PASSWORD.into()),
                            },
                        )
                        .await?;
                    people.push(Person { id: view.id, login: email });
                }
                let t = admin
                    .create_transaction_type(entity, &request_type(&format!("request{d}"), dept.id, "round_robin"))
                    .await?;
                depts.push(dept.id);
                types.push(t.id);
                staff.push(people);
            }
            org.entities.push(entity);
            org.admins.push(admin_email);
            org.departments.push(depts);
            org.types.push(types);
            org.employees.push(staff);
        }
        for n in 0..shape.beneficiaries as u32 {
            let email = format!("b{n}@{domain}");
            let auth = anon.register(&beneficiary(n, 11_000_000, format!("0551{n:06}"), email.clone())).await?;
            org.beneficiaries.push(Person { id: auth.user.id, login: email });
        }
        platform
            .create_regulator(&CreateRegulatorRequest {
                name_ar: "جهة رقابية".into(),
                name_en: "Regulator".into(),
                email: org.regulator.clone(),
                mobile: "0590000009".into(),
                national_id: valid_id(1, 72_000_009),
                entity_ids: EntityIds::List(org.entities[..REGULATED].to_vec()),
                initial_password: Some(PASSWORD.into()),
            })
            .await?;
        Ok(org)
    }
}
