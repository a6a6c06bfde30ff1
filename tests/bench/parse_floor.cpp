// The parse floor (see parse_floor.h): simdjson DOM parse and libyaml's bare
// event loop. Called by bench_parse_floor and the loader benchmarks.
#include "tests/bench/parse_floor.h"

#include <simdjson.h>
#include <yaml.h>

#include <fstream>

namespace guard::bench {

long simdjsonParse(const std::string& text) {
  // One parser per thread, reused: its buffers are allocated on first use,
  // as a long-running validator would.
  static thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  // The text's capacity holds the padding; tell simdjson not to copy it.
  if (parser.parse(text.data(), text.size(), false).get(root)) return -1;
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return 0;
  return long(obj.size());
}

long libyamlEvents(const std::string& text) {
  yaml_parser_t p;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_string(&p, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  long events = 0;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&p, &ev)) {
      events = -1;
      break;
    }
    bool end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    ++events;
    if (end) break;
  }
  yaml_parser_delete(&p);
  return events;
}

std::string readWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::string s;
  if (!in) return s;
  size_t size = size_t(in.tellg());
  s.reserve(size + simdjson::SIMDJSON_PADDING);
  s.resize(size);
  in.seekg(0);
  in.read(s.data(), std::streamsize(size));
  return s;
}

}  // namespace guard::bench
