// Reads .otio documents with OpenTimelineIO's own C++ library (the reference implementation)
// and prints, per file, one JSON line of what OTIO itself computes from them: each track's
// duration, each transition's range in its track, and each clip's trimmed range widened by the
// handles its transitions use against its media's available range. Not run by CI (no OTIO
// library is installable here); see README.md beside it for how it was built and run.
#include <opentimelineio/clip.h>
#include <opentimelineio/gap.h>
#include <opentimelineio/stack.h>
#include <opentimelineio/timeline.h>
#include <opentimelineio/track.h>
#include <opentimelineio/transition.h>

#include <iostream>
#include <sstream>

namespace otio = opentimelineio::OPENTIMELINEIO_VERSION;

static std::string quoted(std::string const& text) {
  std::ostringstream out;
  out << '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out << '\\' << c;
    else if (c == '\n') out << "\\n";
    else out << c;
  }
  out << '"';
  return out.str();
}

static int check(char const* path) {
  otio::ErrorStatus err;
  otio::SerializableObject::Retainer<otio::Timeline> timeline(
      dynamic_cast<otio::Timeline*>(otio::SerializableObject::from_json_file(path, &err)));
  std::cout << "{\"file\":" << quoted(path);
  if (otio::is_error(err) || !timeline) {
    std::cout << ",\"error\":" << quoted(otio::ErrorStatus::outcome_to_string(err.outcome) + ": " + err.details) << "}\n";
    return 1;
  }
  int problems = 0;
  std::cout << ",\"duration\":" << timeline->duration(&err).value() << ",\"rate\":" << timeline->duration(&err).rate();
  std::cout << ",\"markers\":" << timeline->tracks()->markers().size() << ",\"tracks\":[";
  bool firstTrack = true;
  for (auto const& child : timeline->tracks()->children()) {
    auto* track = dynamic_cast<otio::Track*>(child.value);
    if (!track) continue;
    std::cout << (firstTrack ? "" : ",") << "{\"name\":" << quoted(track->name()) << ",\"kind\":" << quoted(track->kind())
              << ",\"duration\":" << track->duration(&err).value() << ",\"transitions\":[";
    firstTrack = false;
    bool firstTransition = true;
    std::ostringstream clips;
    bool firstClip = true;
    for (size_t i = 0; i < track->children().size(); i++) {
      auto* item = track->children()[i].value;
      if (auto* transition = dynamic_cast<otio::Transition*>(item)) {
        auto range = track->range_of_child_at_index(int(i), &err);
        std::cout << (firstTransition ? "" : ",") << "[" << range.start_time().value() << ","
                  << range.end_time_exclusive().value() << "]";
        firstTransition = false;
      } else if (auto* clip = dynamic_cast<otio::Clip*>(item)) {
        auto trimmed = clip->trimmed_range(&err);
        auto handles = track->handles_of_child(clip, &err);
        double from = trimmed.start_time().value() - (handles.first ? handles.first->value() : 0);
        double to = trimmed.end_time_exclusive().value() + (handles.second ? handles.second->value() : 0);
        otio::ErrorStatus availableErr;
        auto available = clip->available_range(&availableErr);
        bool inside = otio::is_error(availableErr) || (from >= available.start_time().value() && to <= available.end_time_exclusive().value());
        if (!inside) problems++;
        clips << (firstClip ? "" : ",") << "{\"name\":" << quoted(clip->name()) << ",\"uses\":[" << from << "," << to
              << "],\"inside\":" << (inside ? "true" : "false") << "}";
        firstClip = false;
      }
    }
    std::cout << "],\"clips\":[" << clips.str() << "]}";
  }
  std::cout << "],\"error\":" << (otio::is_error(err) ? quoted(err.details) : "null") << "}\n";
  return otio::is_error(err) || problems > 0 ? 1 : 0;
}

int main(int argc, char** argv) {
  int failed = 0;
  for (int i = 1; i < argc; i++) failed += check(argv[i]);
  return failed > 0 ? 1 : 0;
}
