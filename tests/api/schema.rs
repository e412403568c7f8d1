#[test]
fn schema_graphql_is_the_served_schema() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists at the repository root");
    let served = channelgraph::graphql::sdl();
    assert!(
        committed == served,
        "schema.graphql differs from the served schema; regenerate it with \
         `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn every_type_field_and_argument_has_a_description() {
    let sdl = channelgraph::graphql::sdl();
    // Each definition line is preceded by a description line, block or inline ("...").
    let lines: Vec<&str> = sdl.lines().collect();
    let mut missing = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let is_definition = (t.starts_with("type ")
            || t.starts_with("interface ")
            || t.starts_with("enum ")
            || t.starts_with("input ")
            || t.starts_with("scalar ")
            || (t.contains(':') && !t.starts_with('"') && !t.starts_with('#')))
            && !t.starts_with("schema")
            && !t.starts_with("query:")
            && !t.starts_with("mutation:")
            && !t.starts_with("directive ");
        if !is_definition {
            continue;
        }
        let prev = if i > 0 { lines[i - 1].trim() } else { "" };
        let described = prev.ends_with('"');
        if !described {
            missing.push(t.to_owned());
        }
    }
    let builtin = ["scalar Boolean", "scalar Int", "scalar String", "scalar Float", "scalar ID"];
    missing.retain(|m| !builtin.iter().any(|b| m.starts_with(b)));
    assert!(missing.is_empty(), "undescribed: {missing:#?}");
}
