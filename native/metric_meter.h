// SDK metrics on the core's meter: the one native object behind `Runtime.createMetric` /
// `Runtime.recordMetric`. It owns the core meter and every metric made from it; all of them are
// freed exactly once, by the destructor, which the runtime handle runs before `runtime_free`.
#pragma once

#include <napi.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core_library.h"
#include "refcounted.h"

namespace temporal_native {

class MetricMeterHandle : public RefCounted {
 public:
  // The metric kinds JS asks for; each maps onto one TemporalCoreMetricKind and one record call.
  enum class Kind { kCounter, kHistogram, kHistogramF64, kGauge, kGaugeF64, kUpDownCounter };

  // NULL when the runtime has no metrics exporter (the core then has no meter).
  static RefPtr<MetricMeterHandle> Create(const CoreApi* api, TemporalCoreRuntime* runtime);
  ~MetricMeterHandle() override;

  // Returns the id of the metric with this definition, creating it on first use: asking twice
  // for the same metric (the workflow sink does) never makes a second core metric.
  uint32_t Define(Kind kind, const std::string& name, const std::string& unit, const std::string& description);
  // Records `value` with `attributes` (a plain object of string/number/boolean values). Values the
  // core would panic on (negative counts, fractions for integer kinds) are a RangeError here.
  void Record(Napi::Env env, uint32_t id, double value, Napi::Value attributes);

  static bool ParseKind(const std::string& text, Kind* kind);

 private:
  MetricMeterHandle(const CoreApi* api, TemporalCoreMetricMeter* raw) : api_(api), raw_(raw) {}

  struct Metric {
    Kind kind;
    std::string name;
    TemporalCoreMetric* raw;
  };
  const CoreApi* const api_;
  TemporalCoreMetricMeter* const raw_;
  std::vector<Metric> metrics_;
  std::map<std::tuple<Kind, std::string, std::string, std::string>, uint32_t> ids_;
};

}  // namespace temporal_native
