#include "metric_meter.h"

#include <cmath>

#include "byte_array.h"

namespace temporal_native {

namespace {

// attributes_new builds a slice from its pointer even for zero attributes: never NULL.
const TemporalCoreMetricAttribute kNoAttributes[1] = {};

TemporalCoreMetricKind CoreKind(MetricMeterHandle::Kind kind) {
  switch (kind) {
    case MetricMeterHandle::Kind::kCounter: return TemporalCoreMetricKind_CounterInteger;
    case MetricMeterHandle::Kind::kHistogram: return TemporalCoreMetricKind_HistogramInteger;
    case MetricMeterHandle::Kind::kHistogramF64: return TemporalCoreMetricKind_HistogramFloat;
    case MetricMeterHandle::Kind::kGauge: return TemporalCoreMetricKind_GaugeInteger;
    case MetricMeterHandle::Kind::kGaugeF64: return TemporalCoreMetricKind_GaugeFloat;
    case MetricMeterHandle::Kind::kUpDownCounter: return TemporalCoreMetricKind_UpDownCounterInteger;
  }
  return TemporalCoreMetricKind_CounterInteger;
}

// Frees an attribute set exactly once.
class Attributes {
 public:
  Attributes(const CoreApi* api, TemporalCoreMetricAttributes* raw) : api_(api), raw_(raw) {}
  ~Attributes() {
    if (raw_ != nullptr) api_->metric_attributes_free(raw_);
  }
  Attributes(const Attributes&) = delete;
  Attributes& operator=(const Attributes&) = delete;
  const TemporalCoreMetricAttributes* get() const { return raw_; }

 private:
  const CoreApi* api_;
  TemporalCoreMetricAttributes* raw_;
};

}  // namespace

bool MetricMeterHandle::ParseKind(const std::string& text, Kind* kind) {
  if (text == "counter") *kind = Kind::kCounter;
  else if (text == "histogram") *kind = Kind::kHistogram;
  else if (text == "histogram-f64") *kind = Kind::kHistogramF64;
  else if (text == "gauge") *kind = Kind::kGauge;
  else if (text == "gauge-f64") *kind = Kind::kGaugeF64;
  else if (text == "up-down-counter") *kind = Kind::kUpDownCounter;
  else return false;
  return true;
}

RefPtr<MetricMeterHandle> MetricMeterHandle::Create(const CoreApi* api, TemporalCoreRuntime* runtime) {
  TemporalCoreMetricMeter* raw = api->metric_meter_new(runtime);
  if (raw == nullptr) return RefPtr<MetricMeterHandle>();
  return RefPtr<MetricMeterHandle>(new MetricMeterHandle(api, raw));
}

MetricMeterHandle::~MetricMeterHandle() {
  for (Metric& metric : metrics_) api_->metric_free(metric.raw);
  api_->metric_meter_free(raw_);
}

uint32_t MetricMeterHandle::Define(Kind kind, const std::string& name, const std::string& unit,
                                   const std::string& description) {
  auto key = std::make_tuple(kind, name, unit, description);
  auto found = ids_.find(key);
  if (found != ids_.end()) return found->second;
  TemporalCoreMetricOptions options{};
  options.name = ByteRef(name);
  options.unit = ByteRef(unit);
  options.description = ByteRef(description);
  options.kind = CoreKind(kind);
  TemporalCoreMetric* raw = api_->metric_new(raw_, &options);
  uint32_t id = static_cast<uint32_t>(metrics_.size());
  metrics_.push_back(Metric{kind, name, raw});
  ids_.emplace(std::move(key), id);
  return id;
}

void MetricMeterHandle::Record(Napi::Env env, uint32_t id, double value, Napi::Value attributes) {
  if (id >= metrics_.size()) throw Napi::RangeError::New(env, "recordMetric id does not name a metric of this runtime");
  const Metric& metric = metrics_[id];
  const std::string what = "metric " + metric.name + " value";
  if (!std::isfinite(value)) throw Napi::RangeError::New(env, what + " must be finite");
  bool integral = metric.kind != Kind::kHistogramF64 && metric.kind != Kind::kGaugeF64;
  if (integral && std::floor(value) != value) throw Napi::RangeError::New(env, what + " must be an integer");
  if (metric.kind == Kind::kUpDownCounter) {
    if (std::fabs(value) > 9007199254740991.0) throw Napi::RangeError::New(env, what + " must be a safe integer");
  } else if (value < 0) {
    throw Napi::RangeError::New(env, what + " must not be negative");
  } else if (integral && value > 9007199254740991.0) {
    throw Napi::RangeError::New(env, what + " must be a safe integer");
  }

  // Keys and string values must outlive attributes_new, which copies them.
  std::vector<std::string> strings;
  std::vector<TemporalCoreMetricAttribute> attrs;
  if (!attributes.IsUndefined() && !attributes.IsNull()) {
    if (!attributes.IsObject() || attributes.IsArray()) {
      throw Napi::TypeError::New(env, "metric " + metric.name + " attributes must be an object");
    }
    Napi::Object object = attributes.As<Napi::Object>();
    Napi::Array keys = object.GetPropertyNames();
    strings.reserve(keys.Length() * 2);
    attrs.reserve(keys.Length());
    for (uint32_t i = 0; i < keys.Length(); i++) {
      std::string key = keys.Get(i).ToString().Utf8Value();
      Napi::Value item = object.Get(key);
      strings.push_back(key);
      TemporalCoreMetricAttribute attr{};
      attr.key = ByteRef(strings.back());
      if (item.IsString()) {
        strings.push_back(item.As<Napi::String>().Utf8Value());
        attr.value_type = TemporalCoreMetricAttributeValueType_String;
        attr.value.string_value = ByteRef(strings.back());
      } else if (item.IsBoolean()) {
        attr.value_type = TemporalCoreMetricAttributeValueType_Bool;
        attr.value.bool_value = item.As<Napi::Boolean>().Value();
      } else if (item.IsNumber()) {
        double number = item.As<Napi::Number>().DoubleValue();
        if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) <= 9007199254740991.0) {
          attr.value_type = TemporalCoreMetricAttributeValueType_Int;
          attr.value.int_value = static_cast<int64_t>(number);
        } else {
          attr.value_type = TemporalCoreMetricAttributeValueType_Float;
          attr.value.float_value = number;
        }
      } else {
        throw Napi::TypeError::New(env, "metric " + metric.name + " attribute " + key +
                                            " must be a string, number or boolean");
      }
      attrs.push_back(attr);
    }
  }
  // ByteRef of a std::string points into the string; the vector was reserved, so no pointer moved.
  Attributes set(api_, api_->metric_attributes_new(raw_, attrs.empty() ? kNoAttributes : attrs.data(), attrs.size()));
  switch (metric.kind) {
    case Kind::kCounter:
    case Kind::kHistogram:
    case Kind::kGauge:
      api_->metric_record_integer(metric.raw, static_cast<uint64_t>(value), set.get());
      break;
    case Kind::kHistogramF64:
    case Kind::kGaugeF64:
      api_->metric_record_float(metric.raw, value, set.get());
      break;
    case Kind::kUpDownCounter:
      api_->metric_record_integer_signed(metric.raw, static_cast<int64_t>(value), set.get());
      break;
  }
}

}  // namespace temporal_native
