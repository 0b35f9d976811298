// helmrender CHART_DIR [-f VALUES.yaml ...] [--name RELEASE] [--namespace NS] [--lookup OBJECTS.yaml] [--upgrade]
// [--notes FILE]: renders a Helm chart the way `helm template` does, for a machine without helm (it is not in
// Debian): Go's text/template with sprig's functions (Debian's golang-github-masterminds-sprig-dev, as helm uses
// them, `fail` included) plus helm's own (include, tpl, required, toYaml, fromYaml, toJson, lookup), .Values merged
// from values.yaml and each -f file, validated against values.schema.json with gojsonschema (Debian's, as helm 3
// validates), .Files.Get, and missingkey=zero with "<no value>" blanked, as helm's engine does. Prints each
// non-empty rendered template as a "---\n# Source: CHART/templates/NAME" document, _partials excluded; NOTES.txt is
// rendered too (its errors fail as helm install's would) and written to --notes FILE. Errors go to stderr, exit 1.
//
// lookup answers as under `helm template`, an empty map, unless --lookup names a file of objects (YAML documents)
// standing for the cluster `helm upgrade` would see: lookup API KIND NS NAME then returns the object of that
// apiVersion, kind, namespace (the release's when it has none) and name. --upgrade sets .Release.IsUpgrade.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"github.com/xeipuuv/gojsonschema"
	"sigs.k8s.io/yaml"
)

type files struct{ dir string }

func (f files) Get(name string) string {
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if err != nil {
		return ""
	}
	return string(b)
}

func readYAML(path string) map[string]interface{} {
	out := map[string]interface{}{}
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	if err := yaml.Unmarshal(b, &out); err != nil {
		fail("%s: %v", path, err)
	}
	return out
}

// merge puts src over dst, maps merged key by key, as helm coalesces -f files over values.yaml.
func merge(dst, src map[string]interface{}) map[string]interface{} {
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				dst[k] = merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
	return dst
}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "helmrender: "+format+"\n", a...)
	os.Exit(1)
}

func validate(chart string, values map[string]interface{}) {
	schema, err := os.ReadFile(filepath.Join(chart, "values.schema.json"))
	if err != nil {
		return
	}
	doc, _ := json.Marshal(values)
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(doc))
	if err != nil {
		fail("values.schema.json: %v", err)
	}
	if !res.Valid() {
		var msgs []string
		for _, e := range res.Errors() {
			msgs = append(msgs, "- "+e.String())
		}
		fail("values don't meet the specifications of the schema(s):\n%s", strings.Join(msgs, "\n"))
	}
}

// cluster is what --lookup gives: the objects lookup can find.
type cluster []map[string]interface{}

func readObjects(path string) cluster {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var out cluster
	for _, doc := range strings.Split("\n"+string(b), "\n---") {
		obj := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			fail("%s: %v", path, err)
		}
		if len(obj) > 0 {
			out = append(out, obj)
		}
	}
	return out
}

// lookup as helm's: one object by name, or {"items": [...]} of a kind when name is empty; an empty map if none.
func (c cluster) lookup(releaseNS string) func(api, kind, ns, name string) map[string]interface{} {
	return func(api, kind, ns, name string) map[string]interface{} {
		var items []interface{}
		for _, o := range c {
			meta, _ := o["metadata"].(map[string]interface{})
			ons, _ := meta["namespace"].(string)
			if ons == "" {
				ons = releaseNS
			}
			if o["apiVersion"] != api || o["kind"] != kind || (ns != "" && ons != ns) {
				continue
			}
			if name == "" {
				items = append(items, o)
			} else if meta["name"] == name {
				return o
			}
		}
		if name == "" {
			return map[string]interface{}{"items": items}
		}
		return map[string]interface{}{}
	}
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: helmrender CHART_DIR [-f VALUES.yaml ...] [--name RELEASE] [--namespace NS] " +
			"[--lookup OBJECTS.yaml] [--upgrade] [--notes FILE]")
	}
	chart := os.Args[1]
	release, namespace, notes := "release", "default", ""
	upgrade := false
	var objects cluster
	values := readYAML(filepath.Join(chart, "values.yaml"))
	for i := 2; i < len(os.Args); i++ {
		if os.Args[i] == "--upgrade" {
			upgrade = true
			continue
		}
		if i+1 >= len(os.Args) {
			fail("%s needs a value", os.Args[i])
		}
		switch os.Args[i] {
		case "-f":
			values = merge(values, readYAML(os.Args[i+1]))
		case "--name":
			release = os.Args[i+1]
		case "--namespace":
			namespace = os.Args[i+1]
		case "--lookup":
			objects = append(objects, readObjects(os.Args[i+1])...)
		case "--notes":
			notes = os.Args[i+1]
		default:
			fail("unknown argument %s", os.Args[i])
		}
		i++
	}
	validate(chart, values)
	meta := readYAML(filepath.Join(chart, "Chart.yaml"))
	revision := 1
	if upgrade {
		revision = 2
	}
	top := map[string]interface{}{
		"Values": values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm",
			"IsInstall": !upgrade, "IsUpgrade": upgrade, "Revision": revision},
		"Chart": map[string]interface{}{"Name": meta["name"], "Version": meta["version"], "AppVersion": meta["appVersion"],
			"Description": meta["description"]},
		"Capabilities": map[string]interface{}{"KubeVersion": map[string]interface{}{"Version": "v1.28.0"}},
		"Files":        files{chart},
	}
	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	funcs["toYaml"] = func(v interface{}) string {
		b, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["toJson"] = func(v interface{}) string { b, _ := json.Marshal(v); return string(b) }
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		if t, err = t.New("tpl").Parse(text); err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, fmt.Errorf("%s", msg)
		}
		return v, nil
	}
	funcs["lookup"] = objects.lookup(namespace)
	root.Funcs(funcs).Option("missingkey=zero")
	dir := filepath.Join(chart, "templates")
	entries, err := os.ReadDir(dir)
	if err != nil {
		fail("%v", err)
	}
	var names []string
	name := meta["name"].(string)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			fail("%v", err)
		}
		full := name + "/templates/" + e.Name()
		if _, err := root.New(full).Parse(string(b)); err != nil {
			fail("%v", err)
		}
		if !strings.HasPrefix(e.Name(), "_") && (strings.HasSuffix(e.Name(), ".yaml") || e.Name() == "NOTES.txt") {
			names = append(names, full)
		}
	}
	sort.Strings(names)
	for _, full := range names {
		data := map[string]interface{}{}
		for k, v := range top {
			data[k] = v
		}
		data["Template"] = map[string]interface{}{"Name": full, "BasePath": name + "/templates"}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, full, data); err != nil {
			fail("%v", err)
		}
		out := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.HasSuffix(full, "/NOTES.txt") {
			if notes != "" {
				if err := os.WriteFile(notes, []byte(out), 0o644); err != nil {
					fail("%v", err)
				}
			}
			continue
		}
		for _, doc := range strings.Split(out, "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			fmt.Printf("---\n# Source: %s\n%s\n", full, strings.Trim(doc, "\n"))
		}
	}
}
