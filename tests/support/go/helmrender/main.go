// helmrender CHART_DIR [-f VALUES.yaml ...] [--name RELEASE] [--namespace NS]: renders a Helm chart the way
// `helm template` does, for a machine without helm (it is not in Debian): Go's text/template with sprig's
// functions (Debian's golang-github-masterminds-sprig-dev, as helm uses them) plus helm's own (include, tpl,
// required, toYaml, fromYaml, toJson, lookup returning nothing), .Values merged from values.yaml and each -f file,
// validated against values.schema.json with gojsonschema (Debian's, as helm 3 validates), .Files.Get, and
// missingkey=zero with "<no value>" blanked, as helm's engine does. Prints each non-empty rendered template as a
// "---\n# Source: CHART/templates/NAME" document, NOTES.txt and _partials excluded; errors go to stderr, exit 1.
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

func main() {
	if len(os.Args) < 2 {
		fail("usage: helmrender CHART_DIR [-f VALUES.yaml ...] [--name RELEASE] [--namespace NS]")
	}
	chart := os.Args[1]
	release, namespace := "release", "default"
	values := readYAML(filepath.Join(chart, "values.yaml"))
	for i := 2; i < len(os.Args); i++ {
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
		default:
			fail("unknown argument %s", os.Args[i])
		}
		i++
	}
	validate(chart, values)
	meta := readYAML(filepath.Join(chart, "Chart.yaml"))
	top := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm", "IsInstall": true, "Revision": 1},
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
	funcs["lookup"] = func(...interface{}) map[string]interface{} { return map[string]interface{}{} }
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
		if !strings.HasPrefix(e.Name(), "_") && strings.HasSuffix(e.Name(), ".yaml") {
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
		for _, doc := range strings.Split(out, "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			fmt.Printf("---\n# Source: %s\n%s\n", full, strings.Trim(doc, "\n"))
		}
	}
}
