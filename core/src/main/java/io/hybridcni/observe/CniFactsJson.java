package io.hybridcni.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.module.SimpleModule;

/**
 * How {@link Snapshots} write and read {@link CniFacts}: one field per CNI, {@code calico} first, then every other
 * CNI's facts under its key in the registry's order ({@code flannel}, {@code cilium}, ...), exactly the document a
 * record with one field per CNI gave; reading takes the record of each key from the registry
 * ({@link CniPartTypes}) and refuses any other key as an unknown field.
 */
final class CniFactsJson {

  private CniFactsJson() {}

  static SimpleModule module() {
    return new SimpleModule("hybridcni-cni-facts")
        .addSerializer(CniFacts.class, new Writer())
        .addDeserializer(CniFacts.class, new Reader());
  }

  /** The registry's keys and records, in writing order; loaded once. */
  private static final class Types {
    static final Map<String, Class<? extends CniPart>> ALL = load();

    private static Map<String, Class<? extends CniPart>> load() {
      Map<String, Class<? extends CniPart>> types = new LinkedHashMap<>();
      for (CniPartTypes provider : ServiceLoader.load(CniPartTypes.class, CniFactsJson.class.getClassLoader())) {
        provider.types().forEach((key, type) -> {
          Class<? extends CniPart> other = types.putIfAbsent(key, type);
          if (other != null && !other.equals(type)) {
            throw new IllegalStateException("two records for the CNI facts key " + key + ": " + other.getName()
                + " and " + type.getName());
          }
        });
      }
      if (types.isEmpty()) {
        // Without the registry every snapshot with a non-Calico CNI would be refused as unknown fields.
        throw new IllegalStateException("no " + CniPartTypes.class.getName() + " found through ServiceLoader: "
            + "is META-INF/services of hybridcni-core on the class path?");
      }
      return types;
    }
  }

  private static final class Writer extends ValueSerializer<CniFacts> {
    @Override
    public void serialize(CniFacts value, JsonGenerator gen, SerializationContext ctxt) throws JacksonException {
      gen.writeStartObject(value);
      if (value.calico() != null) {
        gen.writeName(CniFacts.CALICO);
        ctxt.writeValue(gen, value.calico());
      }
      List<String> keys = new ArrayList<>(Types.ALL.keySet());
      keys.retainAll(value.parts().keySet());
      // Keys no registered CNI claims (facts built by hand) follow, sorted, so that equal facts write equal bytes.
      value.parts().keySet().stream().filter(k -> !Types.ALL.containsKey(k)).sorted().forEach(keys::add);
      for (String key : keys) {
        gen.writeName(key);
        ctxt.writeValue(gen, value.parts().get(key));
      }
      gen.writeEndObject();
    }
  }

  private static final class Reader extends ValueDeserializer<CniFacts> {
    @Override
    public CniFacts deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
      if (!p.isExpectedStartObjectToken()) {
        return (CniFacts) ctxt.handleUnexpectedToken(CniFacts.class, p);
      }
      CalicoFacts calico = null;
      Map<String, CniPart> parts = new LinkedHashMap<>();
      for (String name = p.nextName(); name != null; name = p.nextName()) {
        Class<?> type = CniFacts.CALICO.equals(name) ? CalicoFacts.class : Types.ALL.get(name);
        if (type == null) {
          List<Object> known = new ArrayList<>();
          known.add(CniFacts.CALICO);
          known.addAll(Types.ALL.keySet());
          throw UnrecognizedPropertyException.from(p, CniFacts.class, name, known);
        }
        if (p.nextToken() == JsonToken.VALUE_NULL) {
          continue; // as a record component reads null: that CNI left no trace
        }
        Object value;
        try {
          value = ctxt.readValue(p, type);
        } catch (JacksonException e) {
          throw e.prependPath(CniFacts.class, name);
        }
        if (value instanceof CalicoFacts c) {
          calico = c;
        } else {
          parts.put(name, (CniPart) value);
        }
      }
      return new CniFacts(calico, parts);
    }
  }
}
