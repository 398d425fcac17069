package dev.fedlearn.aggregator.api;

import dev.fedlearn.protocol.ClientUpdate;
import dev.fedlearn.protocol.GlobalModel;
import dev.fedlearn.protocol.SafeTensors;
import java.io.IOException;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.HttpMessageNotWritableException;

/**
 * The binary wire form ({@link SafeTensors}, {@code application/octet-stream}): global models out, client updates in.
 * It comes after the JSON converter, so a request that accepts anything ({@code curl}'s {@code *}{@code /*}) still
 * gets JSON; {@code Accept: application/octet-stream} gets the binary form.
 */
final class SafeTensorsConverter extends AbstractHttpMessageConverter<Object> {
  SafeTensorsConverter() {
    super(MediaType.APPLICATION_OCTET_STREAM);
  }

  @Override
  protected boolean supports(Class<?> clazz) {
    return clazz == GlobalModel.class || clazz == ClientUpdate.class;
  }

  @Override
  protected Object readInternal(Class<?> clazz, HttpInputMessage input) throws IOException {
    byte[] body = input.getBody().readAllBytes();
    try {
      return clazz == ClientUpdate.class ? SafeTensors.clientUpdate(body) : SafeTensors.globalModel(body);
    } catch (IllegalArgumentException e) {
      throw new HttpMessageNotReadableException(e.getMessage(), e, input);
    }
  }

  @Override
  protected void writeInternal(Object o, HttpOutputMessage output) throws IOException {
    if (o instanceof GlobalModel m) {
      // Streamed: a hundred clients polling at once hold a small buffer each, not a copy of the model each.
      output.getHeaders().setContentLength(SafeTensors.size(m));
      SafeTensors.write(m, output.getBody());
    } else if (o instanceof ClientUpdate u) {
      byte[] bytes = SafeTensors.encode(u);
      output.getHeaders().setContentLength(bytes.length);
      output.getBody().write(bytes);
    } else {
      throw new HttpMessageNotWritableException("no binary form for " + o.getClass().getSimpleName());
    }
  }
}
