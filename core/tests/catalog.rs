//! Tests of the category catalog (事部件分类): the built-in data, keys and patterns, validation
//! with paths, `base = "default"` overrides and limit lookups.

use std::collections::BTreeMap;

use gridgov::calendar::TimeLimit;
use gridgov::catalog::{
    Catalog, CatalogConfig, CatalogSpec, CategoryConfig, CategoryKey, CategoryPattern, Family,
    MajorConfig, Stage,
};
use gridgov::{Error, ErrorKind, Issues};

fn tl(s: &str) -> TimeLimit {
    s.parse()
        .unwrap_or_else(|e| panic!("test limit {s:?} does not parse: {e}"))
}

fn toml_config(text: &str) -> CatalogConfig {
    toml::from_str(text).unwrap_or_else(|e| panic!("test TOML does not parse: {e}"))
}

/// Builds `spec` under path "catalog", returning the catalog and the issues.
fn build(spec: &CatalogSpec) -> (Option<Catalog>, Issues) {
    let mut issues = Issues::default();
    let catalog = Catalog::from_spec(spec, "catalog", &mut issues);
    (catalog, issues)
}

fn paths(issues: &Issues) -> Vec<&str> {
    issues.0.iter().map(|i| i.path.as_str()).collect()
}

fn has(issues: &Issues, path: &str, needle: &str) -> bool {
    issues
        .0
        .iter()
        .any(|i| i.path == path && i.message.contains(needle))
}

// ---------------------------------------------------------------------------------------------
// Built-in catalog
// ---------------------------------------------------------------------------------------------

#[test]
fn default_catalog_has_the_twelve_majors() {
    let catalog = Catalog::default_catalog();
    let majors: Vec<(&str, &str)> = catalog
        .majors()
        .iter()
        .map(|m| (m.key.as_str(), m.name.as_str()))
        .collect();
    assert_eq!(
        majors,
        [
            ("C01", "公用设施"),
            ("C02", "道路交通"),
            ("C03", "市容环境"),
            ("C04", "园林绿化"),
            ("C05", "房屋土地"),
            ("C06", "其他设施"),
            ("E01", "市容环境"),
            ("E02", "宣传广告"),
            ("E03", "施工管理"),
            ("E04", "突发事件"),
            ("E05", "街面秩序"),
            ("E06", "扩展事件"),
        ]
    );
}

#[test]
fn default_catalog_leaves_are_complete_and_sorted() {
    let catalog = Catalog::default_catalog();
    assert_eq!(catalog.urgencies(), ["urgent", "normal"]);
    assert_eq!(catalog.default_urgency(), "normal");
    let leaves = catalog.categories();
    assert!(leaves.len() >= 40, "only {} leaves", leaves.len());
    assert!(leaves.windows(2).all(|w| w[0].key < w[1].key));
    for (i, c) in leaves.iter().enumerate() {
        assert!(c.key.is_leaf());
        assert_eq!(c.family, c.key.family());
        assert!(catalog.major(c.key.major()).is_ok(), "{}", c.key);
        assert!(!c.name.is_empty());
        for u in catalog.urgencies() {
            assert!(c.limits.contains_key(u), "{} lacks {u}", c.key);
            assert_eq!(
                catalog.limit(c.key.as_str(), u).ok(),
                c.limits.get(u).copied()
            );
        }
        for stage in [Stage::Verify, Stage::Dispatch, Stage::Check] {
            assert!(c.stages.contains_key(&stage), "{} lacks {stage}", c.key);
        }
        assert!(!c.filing.is_empty() && !c.closing.is_empty(), "{}", c.key);
        assert!(c.source.is_some(), "{}", c.key);
        assert_eq!(catalog.index_of(c.key.as_str()), Some(i));
    }
    // Both families have leaves in every major class but the extension ones at least.
    for family in Family::ALL {
        assert!(leaves.iter().filter(|c| c.family == family).count() >= 15);
    }
    assert_eq!(catalog.spec(), &CatalogSpec::Builtin("default".into()));
    assert_eq!(catalog, Catalog::default());
}

#[test]
fn default_catalog_confirmed_codes() {
    let catalog = Catalog::builtin();
    for (key, name) in [
        ("C0101", "上水井盖"),
        ("C0102", "污水井盖"),
        ("C0203", "公交站亭"),
        ("C0406", "雕塑"),
        ("C0602", "工地"),
        ("E0101", "私搭乱建"),
        ("E0102", "暴露垃圾"),
        ("E0103", "积存垃圾渣土"),
        ("E0104", "道路不洁"),
        ("E0105", "水域不洁"),
        ("E0106", "绿地脏乱"),
        ("E0107", "焚烧垃圾树叶"),
    ] {
        assert_eq!(catalog.get(key).map(|c| c.name.as_str()), Ok(name), "{key}");
    }
    // A sourced figure: City A 暴露垃圾 4 工作时.
    assert_eq!(catalog.limit("E0102", "normal"), Ok(tl("4 working_hours")));
    assert!(
        catalog
            .get("E0102")
            .is_ok_and(|c| c.source.as_deref().is_some_and(|s| s.contains("City A")))
    );
}

#[test]
fn default_spec_round_trips_through_toml_and_json() {
    let text = gridgov::catalog::DEFAULT_CATALOG_TOML;
    let config = toml_config(text);
    let toml_again = toml::to_string(&config).expect("serialises to TOML");
    assert_eq!(toml_config(&toml_again), config);
    let json = serde_json::to_string(&CatalogSpec::Custom(config.clone())).expect("to JSON");
    let from_json = Catalog::from_json_str(&json).expect("valid JSON catalog");
    assert_eq!(from_json.categories(), Catalog::builtin().categories());
    assert_eq!(from_json.spec(), &CatalogSpec::Custom(config));
    let builtin = serde_json::to_string(Catalog::builtin().spec()).expect("to JSON");
    assert_eq!(builtin, "\"default\"");
}

// ---------------------------------------------------------------------------------------------
// Keys and patterns
// ---------------------------------------------------------------------------------------------

#[test]
fn key_parsing() {
    let key = CategoryKey::parse("C0101").expect("valid");
    assert_eq!(
        (key.as_str(), key.family(), key.major(), key.is_leaf()),
        ("C0101", Family::Component, "C01", true)
    );
    let major = CategoryKey::parse("E07").expect("local extension major");
    assert_eq!(
        (major.family(), major.major(), major.is_leaf()),
        (Family::Event, "E07", false)
    );
    assert_eq!(key.to_string(), "C0101");
    assert_eq!(
        "E0701".parse::<CategoryKey>().map(|k| k.is_leaf()),
        Ok(true)
    );

    for bad in [
        "", "C", "C1", "C010", "C01010", "X0101", "c0101", "0101", "C0a01", "C00", "C0100", " C01",
        "C01 ", "Ｃ01",
    ] {
        match CategoryKey::parse(bad) {
            Err(Error::InvalidCode {
                what,
                value,
                reason,
            }) => {
                assert_eq!(what, "category");
                assert_eq!(value, bad);
                assert!(!reason.is_empty());
            }
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
    let err = CategoryKey::parse("c0101").expect_err("lower case");
    assert!(err.to_string().contains("upper case"), "{err}");
}

#[test]
fn key_serde() {
    let key: CategoryKey = serde_json::from_str("\"E0102\"").expect("valid key");
    assert_eq!(
        serde_json::to_string(&key).expect("serialises"),
        "\"E0102\""
    );
    let err = serde_json::from_str::<CategoryKey>("\"E012\"").expect_err("bad key");
    assert!(err.to_string().contains("E012"), "{err}");
    let schema = serde_json::to_value(schemars::schema_for!(CategoryKey)).expect("schema");
    assert_eq!(schema["type"], "string");
    assert_eq!(schema["pattern"], gridgov::catalog::CATEGORY_KEY_REGEX);
}

#[test]
fn pattern_parsing_and_specificity() {
    for (text, spec) in [("*", 0), ("C", 1), ("E", 1), ("C01", 3), ("E0102", 5)] {
        let p = CategoryPattern::parse(text).expect("valid pattern");
        assert_eq!(p.as_str(), text);
        assert_eq!(p.specificity(), spec, "{text}");
        assert_eq!(p.to_string(), text);
    }
    for bad in [
        "", "**", "C*", "C0", "C010", "X", "c", "e01", "C00", "C0101 ",
    ] {
        match CategoryPattern::parse(bad) {
            Err(Error::InvalidCode { what, value, .. }) => {
                assert_eq!(what, "category pattern");
                assert_eq!(value, bad);
            }
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
    let p: CategoryPattern = serde_json::from_str("\"C01\"").expect("valid");
    assert_eq!(serde_json::to_string(&p).expect("serialises"), "\"C01\"");
    assert!(serde_json::from_str::<CategoryPattern>("\"C1\"").is_err());
}

#[test]
fn pattern_matching_is_prefix_matching() {
    let key = |s: &str| CategoryKey::parse(s).expect("valid key");
    let pat = |s: &str| CategoryPattern::parse(s).expect("valid pattern");
    let c0101 = key("C0101");
    assert!(pat("*").matches(&c0101));
    assert!(pat("*").matches(&key("E0701")));
    assert!(pat("C").matches(&c0101));
    assert!(!pat("E").matches(&c0101));
    assert!(pat("C01").matches(&c0101));
    assert!(!pat("C01").matches(&key("C0201")));
    // Component 01 and event 01 are different classes.
    assert!(!pat("C01").matches(&key("E0101")));
    assert!(pat("C0101").matches(&c0101));
    assert!(!pat("C0101").matches(&key("C0102")));
    assert!(!pat("C0110").matches(&key("C0101")));
    assert_eq!(CategoryPattern::any(), pat("*"));
    assert_eq!(CategoryPattern::from(c0101.clone()), pat("C0101"));
}

#[test]
fn matching_over_the_default_catalog() {
    let catalog = Catalog::builtin();
    let pat = |s: &str| CategoryPattern::parse(s).expect("valid pattern");
    assert_eq!(
        catalog.matching(&pat("*")).count(),
        catalog.categories().len()
    );
    let components = catalog.matching(&pat("C")).count();
    let events = catalog.matching(&pat("E")).count();
    assert_eq!(components + events, catalog.categories().len());
    let covers: Vec<&str> = catalog
        .matching(&pat("C01"))
        .map(|c| c.key.as_str())
        .collect();
    assert!(covers.starts_with(&["C0101", "C0102"]));
    assert!(covers.iter().all(|k| k.starts_with("C01")));
    assert_eq!(catalog.matching(&pat("E0102")).count(), 1);
    assert_eq!(catalog.matching(&pat("E0199")).count(), 0);
    assert_eq!(catalog.matching(&pat("E09")).count(), 0);
}

#[test]
fn stage_and_family_names() {
    for stage in Stage::ALL {
        assert_eq!(stage.to_string().parse::<Stage>(), Ok(stage));
        let json = serde_json::to_string(&stage).expect("serialises");
        assert_eq!(json, format!("\"{stage}\""));
    }
    assert_eq!(
        "handling".parse::<Stage>().map_err(|e| e.kind()),
        Err(ErrorKind::InvalidValue)
    );
    assert_eq!(Family::Component.to_string(), "component");
    assert_eq!(
        serde_json::to_string(&Family::Event).expect("ok"),
        "\"event\""
    );
    assert_eq!("C".parse::<Family>(), Ok(Family::Component));
    assert_eq!(Family::Event.letter(), 'E');
}

// ---------------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------------

#[test]
fn limit_and_stage_limit_lookups() {
    let catalog = Catalog::builtin();
    assert_eq!(catalog.limit("C0101", "urgent"), Ok(tl("6 hours")));
    assert_eq!(catalog.limit("C0101", "normal"), Ok(tl("36 hours")));
    assert_eq!(
        catalog.stage_limit("C0101", Stage::Handle, "normal"),
        catalog.limit("C0101", "normal")
    );
    // Catalog-wide stage limits, and an emergency's own.
    assert_eq!(
        catalog.stage_limit("C0101", Stage::Verify, "urgent"),
        Ok(tl("1 working_hours"))
    );
    assert_eq!(
        catalog.stage_limit("C0101", Stage::Dispatch, "normal"),
        Ok(tl("30 working_minutes"))
    );
    assert_eq!(
        catalog.stage_limit("E0401", Stage::Verify, "urgent"),
        Ok(tl("30 minutes"))
    );
    assert_eq!(
        catalog.stage_limits().get(&Stage::Check).copied(),
        Some(tl("1 working_hours"))
    );
}

#[test]
fn lookup_errors() {
    let catalog = Catalog::builtin();
    assert_eq!(
        catalog.limit("C0101", "asap"),
        Err(Error::Unknown {
            what: "urgency",
            value: "asap".into()
        })
    );
    assert_eq!(
        catalog.stage_limit("C0101", Stage::Check, "asap"),
        Err(Error::Unknown {
            what: "urgency",
            value: "asap".into()
        })
    );
    assert_eq!(
        catalog.get("C0199"),
        Err(Error::Unknown {
            what: "category",
            value: "C0199".into()
        })
    );
    assert_eq!(
        catalog.limit("E0799", "normal").map_err(|e| e.kind()),
        Err(ErrorKind::Unknown)
    );
    for bad in ["C01", "C1", "", "c0101"] {
        match catalog.get(bad) {
            Err(Error::InvalidCode { what, value, .. }) => {
                assert_eq!((what, value.as_str()), ("category", bad));
            }
            other => panic!("{bad:?} gave {other:?}"),
        }
        assert_eq!(catalog.index_of(bad), None);
    }
    assert_eq!(
        catalog
            .stage_limit("X1", Stage::Verify, "normal")
            .map_err(|e| e.kind()),
        Err(ErrorKind::InvalidCode)
    );
    assert_eq!(
        catalog.major("C07").map_err(|e| e.kind()),
        Err(ErrorKind::Unknown)
    );
    assert_eq!(
        catalog.major("C0101").map_err(|e| e.kind()),
        Err(ErrorKind::InvalidCode)
    );
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// A catalog table with one problem per field.
const MANY_PROBLEMS: &str = r#"
        urgencies = ["urgent", "normal", "urgent", "two words"]
        default_urgency = "low"

        [stage_limits]
        verify = "1 working_hours"
        handle = "2 working_days"

        [[majors]]
        key = "C01"
        name = " "
        [[majors]]
        key = "C01"
        name = "公用设施"
        [[majors]]
        key = "C0101"
        name = "leaf among majors"
        [[majors]]
        key = "X1"
        name = "malformed"

        [[categories]]
        key = "C0101"
        name = ""
        limits = { urgent = "6 hours", normal = "36 hours", low = "5 working_days" }
        [[categories]]
        key = "C0101"
        name = "duplicate"
        limits = { urgent = "6 hours", normal = "36 hours" }
        [[categories]]
        key = "C0201"
        name = "major not declared, lacks normal"
        limits = { urgent = "6 hours" }
        [[categories]]
        key = "C02"
        name = "major key among leaves"
        limits = { urgent = "6 hours", normal = "36 hours" }
        [[categories]]
        key = "C0103"
        name = "handle in stages"
        limits = { urgent = "6 hours", normal = "36 hours" }
        stages = { handle = "1 working_days", check = "2 hours" }
        [[categories]]
        key = "C01x3"
        name = "malformed"
        limits = { urgent = "6 hours", normal = "36 hours" }
        [[categories]]
        key = "C0104"
        name = "non-positive"
        limits = { urgent = "6 hours", normal = "36 hours" }
        "#;

#[test]
fn every_problem_is_reported_at_once_with_its_path() {
    let mut config = toml_config(MANY_PROBLEMS);
    // Non-positive limits (set directly: the limit parser may refuse them already).
    let zero = TimeLimit::Continuous { minutes: 0 };
    config.categories[6].limits.insert("normal".into(), zero);
    config.categories[6].stages = Some(BTreeMap::from([(Stage::Dispatch, zero)]));
    config
        .stage_limits
        .get_or_insert_with(BTreeMap::new)
        .insert(Stage::Check, TimeLimit::WorkingDays { days: -1 });

    let (catalog, issues) = build(&CatalogSpec::Custom(config));
    assert!(catalog.is_none());
    let expected = [
        ("catalog.urgencies[2]", "duplicate urgency \"urgent\""),
        ("catalog.urgencies[3]", "whitespace"),
        (
            "catalog.default_urgency",
            "\"low\" is not among the urgencies",
        ),
        ("catalog.stage_limits.handle", "handling limits belong"),
        ("catalog.stage_limits.check", "not positive"),
        ("catalog.majors[0].name", "empty"),
        ("catalog.majors[1].key", "duplicate major class \"C01\""),
        ("catalog.majors[2].key", "is a leaf key"),
        ("catalog.majors[3].key", "X1"),
        ("catalog.categories[0].name", "empty"),
        (
            "catalog.categories[0].limits.low",
            "undeclared urgency \"low\"",
        ),
        ("catalog.categories[1].key", "duplicate category \"C0101\""),
        ("catalog.categories[2].key", "major class \"C02\""),
        (
            "catalog.categories[2].limits",
            "no limit for urgency \"normal\"",
        ),
        ("catalog.categories[3].key", "is a major class key"),
        (
            "catalog.categories[4].stages.handle",
            "handling limits belong",
        ),
        ("catalog.categories[5].key", "C01x3"),
        ("catalog.categories[6].limits.normal", "not positive"),
        ("catalog.categories[6].stages.dispatch", "not positive"),
        ("catalog.stage_limits", "no limit for stage `dispatch`"),
    ];
    for (path, needle) in expected {
        assert!(
            has(&issues, path, needle),
            "missing {path}: {needle}\n{issues}"
        );
    }
    assert_eq!(issues.len(), expected.len(), "{issues}");
    // Through the error type too.
    let err = Error::Model(issues);
    assert_eq!(err.kind(), ErrorKind::Model);
    assert_eq!(err.issues().len(), expected.len());
}

#[test]
fn required_fields_without_a_base() {
    let (catalog, issues) = build(&CatalogSpec::Custom(CatalogConfig::default()));
    assert!(catalog.is_none());
    assert_eq!(
        paths(&issues),
        [
            "catalog.urgencies",
            "catalog.default_urgency",
            "catalog.categories"
        ],
        "{issues}"
    );

    let (_, issues) = build(&CatalogSpec::Custom(toml_config(
        r#"
        urgencies = []
        default_urgency = "normal"
        majors = [{ key = "E01", name = "市容环境" }]
        categories = [{ key = "E0101", name = "私搭乱建" }]
        "#,
    )));
    assert!(
        has(&issues, "catalog.urgencies", "no urgency levels"),
        "{issues}"
    );
    assert!(
        has(&issues, "catalog.default_urgency", "not among"),
        "{issues}"
    );
    // Without catalog-wide or own stage limits, every non-handling stage lacks one.
    assert!(has(&issues, "catalog.stage_limits", "`verify`"), "{issues}");
    assert!(
        has(&issues, "catalog.stage_limits", "`dispatch`"),
        "{issues}"
    );
    assert!(has(&issues, "catalog.stage_limits", "`check`"), "{issues}");
}

#[test]
fn a_minimal_custom_catalog() {
    let catalog = Catalog::from_toml_str(
        r#"
        urgencies = ["紧急", "一般"]
        default_urgency = "一般"
        stage_limits = { verify = "2 hours", dispatch = "1 hours", check = "4 hours" }
        majors = [{ key = "C01", name = "公用设施" }]
        [[categories]]
        key = "C0101"
        name = "上水井盖"
        limits = { "紧急" = "6 hours", "一般" = "3 working_days" }
        "#,
    )
    .expect("valid catalog");
    assert_eq!(catalog.categories().len(), 1);
    assert_eq!(catalog.limit("C0101", "紧急"), Ok(tl("6 hours")));
    assert_eq!(catalog.default_urgency(), "一般");
    assert_eq!(catalog.get("C0101").map(|c| c.filing.as_str()), Ok(""));
    assert_eq!(
        catalog.stage_limit("C0101", Stage::Dispatch, "一般"),
        Ok(tl("1 hours"))
    );
}

#[test]
fn unknown_builtin_and_unknown_base() {
    let (catalog, issues) = build(&CatalogSpec::Builtin("beijing".into()));
    assert!(catalog.is_none());
    assert_eq!(paths(&issues), ["catalog"]);
    assert!(issues.0[0].message.contains("beijing"));

    // An unknown base is reported, and the rest of the table is still checked.
    let (catalog, issues) = build(&CatalogSpec::Custom(toml_config(
        r#"
        base = "shanghai"
        [[categories]]
        key = "C0101"
        name = ""
        "#,
    )));
    assert!(catalog.is_none());
    assert_eq!(
        paths(&issues),
        ["catalog.base", "catalog.categories[0].name"],
        "{issues}"
    );
}

// ---------------------------------------------------------------------------------------------
// base = "default": overrides and local extensions
// ---------------------------------------------------------------------------------------------

#[test]
fn base_default_override_and_local_extension() {
    let spec = CatalogSpec::Custom(toml_config(
        r#"
        base = "default"
        stage_limits = { verify = "2 working_hours" }

        [[majors]]
        key = "E07"
        name = "违法建设" # local extension major class

        [[categories]]
        key = "C0101"
        name = "上水井盖"
        limits = { normal = "2 working_days" }
        source = "local table 2025"

        [[categories]]
        key = "E0701"
        name = "违法建设"
        limits = { urgent = "4 working_hours", normal = "15 working_days" }
        filing = "未经审批的建设"
        closing = "已拆除"
        "#,
    ));
    let (catalog, issues) = build(&spec);
    assert!(issues.is_empty(), "{issues}");
    let catalog = catalog.expect("valid");
    let base = Catalog::builtin();
    assert_eq!(catalog.categories().len(), base.categories().len() + 1);
    assert_eq!(catalog.majors().len(), 13);
    assert_eq!(
        catalog.major("E07").map(|m| m.name.as_str()),
        Ok("违法建设")
    );

    // C0101: the normal limit and source are overridden, the rest is inherited.
    let cover = catalog.get("C0101").expect("present");
    let base_cover = base.get("C0101").expect("present");
    assert_eq!(cover.limits.get("normal"), Some(&tl("2 working_days")));
    assert_eq!(cover.limits.get("urgent"), base_cover.limits.get("urgent"));
    assert_eq!(cover.filing, base_cover.filing);
    assert_eq!(cover.source.as_deref(), Some("local table 2025"));

    // The extension is there, matched by its family and major patterns.
    let leaf = catalog.get("E0701").expect("added");
    assert_eq!(leaf.family, Family::Event);
    assert_eq!(catalog.limit("E0701", "normal"), Ok(tl("15 working_days")));
    let e07 = CategoryPattern::parse("E07").expect("valid");
    assert_eq!(catalog.matching(&e07).count(), 1);
    assert_eq!(
        catalog.index_of("E0701"),
        Some(catalog.categories().len() - 1)
    );

    // The new catalog-wide verify limit reaches inherited categories, but an emergency keeps
    // its own.
    assert_eq!(
        catalog.stage_limit("C0102", Stage::Verify, "normal"),
        Ok(tl("2 working_hours"))
    );
    assert_eq!(
        catalog.stage_limit("E0401", Stage::Verify, "normal"),
        base.stage_limit("E0401", Stage::Verify, "normal")
    );
    assert_eq!(
        catalog.stage_limit("C0102", Stage::Dispatch, "normal"),
        base.stage_limit("C0102", Stage::Dispatch, "normal")
    );
    // Untouched categories are identical.
    assert_eq!(
        catalog.get("E0102").map(|c| &c.limits),
        base.get("E0102").map(|c| &c.limits)
    );

    // The spec is what it was built from, and serialises back.
    assert_eq!(catalog.spec(), &spec);
    let json = serde_json::to_string(catalog.spec()).expect("serialises");
    assert_eq!(Catalog::from_json_str(&json), Ok(catalog));
}

#[test]
fn base_default_with_a_new_urgency_needs_limits() {
    let spec = CatalogSpec::Custom(CatalogConfig {
        base: Some("default".into()),
        urgencies: Some(vec!["urgent".into(), "normal".into(), "low".into()]),
        categories: vec![CategoryConfig {
            key: "C0101".into(),
            name: "上水井盖".into(),
            limits: BTreeMap::from([("low".to_owned(), tl("10 working_days"))]),
            stages: None,
            filing: None,
            closing: None,
            source: None,
        }],
        ..CatalogConfig::default()
    });
    let (catalog, issues) = build(&spec);
    assert!(catalog.is_none());
    // One issue for all the inherited categories, not one per category.
    assert_eq!(paths(&issues), ["catalog.categories"], "{issues}");
    let n = Catalog::builtin().categories().len() - 1;
    assert!(
        issues.0[0].message.contains(&format!("{n} inherited")),
        "{issues}"
    );
    assert!(issues.0[0].message.contains("\"low\""), "{issues}");

    // Dropping an urgency is fine: inherited limits for it are discarded.
    let spec = CatalogSpec::Custom(CatalogConfig {
        base: Some("default".into()),
        urgencies: Some(vec!["normal".into()]),
        ..CatalogConfig::default()
    });
    let (catalog, issues) = build(&spec);
    assert!(issues.is_empty(), "{issues}");
    let catalog = catalog.expect("valid");
    assert_eq!(catalog.urgencies(), ["normal"]);
    assert!(catalog.categories().iter().all(|c| c.limits.len() == 1));
    assert_eq!(
        catalog.limit("C0101", "urgent").map_err(|e| e.kind()),
        Err(ErrorKind::Unknown)
    );

    // ... but the inherited default urgency must remain declared.
    let spec = CatalogSpec::Custom(CatalogConfig {
        base: Some("default".into()),
        urgencies: Some(vec!["urgent".into()]),
        ..CatalogConfig::default()
    });
    let (_, issues) = build(&spec);
    assert!(
        has(&issues, "catalog.default_urgency", "inherited"),
        "{issues}"
    );
}

#[test]
fn base_default_override_errors_have_paths() {
    let spec = CatalogSpec::Custom(CatalogConfig {
        base: Some("default".into()),
        majors: vec![MajorConfig {
            key: "E07".into(),
            name: String::new(),
        }],
        categories: vec![CategoryConfig {
            key: "E0801".into(),
            name: "no major".into(),
            limits: BTreeMap::from([
                ("urgent".to_owned(), tl("1 hours")),
                ("normal".to_owned(), tl("1 working_days")),
                ("emergency".to_owned(), tl("1 hours")),
            ]),
            stages: None,
            filing: None,
            closing: None,
            source: None,
        }],
        ..CatalogConfig::default()
    });
    let (_, issues) = build(&spec);
    assert_eq!(
        paths(&issues),
        [
            "catalog.majors[0].name",
            "catalog.categories[0].limits.emergency",
            "catalog.categories[0].key"
        ],
        "{issues}"
    );
}

// ---------------------------------------------------------------------------------------------
// Text formats
// ---------------------------------------------------------------------------------------------

/// The catalog section of a model file, as the model loader reads it.
#[derive(serde::Deserialize)]
struct Model {
    catalog: CatalogSpec,
}

#[test]
fn text_formats_and_parse_errors() {
    assert_eq!(
        Catalog::from_json_str("\"default\""),
        Ok(Catalog::default_catalog())
    );
    assert_eq!(
        Catalog::from_json_str("\"tianjin\"").map_err(|e| e.issues().len()),
        Err(1)
    );
    // Unknown field: a parse error naming the field and its path.
    let err = Catalog::from_json_str(
        r#"{"base": "default", "categories": [{"key": "C0101", "nam": "x"}]}"#,
    )
    .expect_err("unknown field");
    assert_eq!(err.kind(), ErrorKind::Parse);
    let msg = err.to_string();
    assert!(
        msg.contains("categories[0]") && msg.contains("nam"),
        "{msg}"
    );
    let err = Catalog::from_toml_str("base = \"default\"\ncolour = 1").expect_err("unknown field");
    assert_eq!(err.kind(), ErrorKind::Parse);
    assert!(err.to_string().contains("colour"), "{err}");
    let err = Catalog::from_json_str("\"default\" trailing").expect_err("trailing");
    assert_eq!(err.kind(), ErrorKind::Parse);
    // Validation problems come back as Error::Model with root paths.
    let err =
        Catalog::from_toml_str("base = \"default\"\ndefault_urgency = \"low\"").expect_err("bad");
    assert_eq!(err.kind(), ErrorKind::Model);
    assert_eq!(err.issues()[0].path, "default_urgency");
    // The catalog section of a model file, as the model loader reads it.
    let model: Model = toml::from_str("catalog = \"default\"").expect("string form");
    assert_eq!(model.catalog, CatalogSpec::default());
    let model: Model =
        toml::from_str("[catalog]\nbase = \"default\"\nurgencies = [\"urgent\", \"normal\"]")
            .expect("table form");
    assert!(
        matches!(model.catalog, CatalogSpec::Custom(ref c) if c.base.as_deref() == Some("default"))
    );
    let err = toml::from_str::<Model>("[catalog]\nbase = \"default\"\nextra = 1").err();
    assert!(err.is_some_and(|e| e.to_string().contains("extra")));
}

#[test]
fn json_schema_describes_the_config() {
    let schema = serde_json::to_value(schemars::schema_for!(CatalogSpec)).expect("schema");
    let text = schema.to_string();
    // Field docs become descriptions; key fields carry patterns; unknown fields are refused.
    assert!(text.contains("Built-in catalog to start from"), "{text}");
    assert!(text.contains("additionalProperties"), "{text}");
    assert!(text.contains(r"^[CE](0[1-9]|[1-9][0-9])$"), "{text}");
}
