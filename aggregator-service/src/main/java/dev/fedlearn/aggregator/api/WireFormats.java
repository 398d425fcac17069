package dev.fedlearn.aggregator.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** JSON for everyone, and the safetensors binary form after it for those who ask ({@link SafeTensorsConverter}). */
@Configuration(proxyBeanMethods = false)
class WireFormats implements WebMvcConfigurer {
  @Override
  public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
    builder.configureMessageConvertersList(converters -> converters.add(new SafeTensorsConverter()));
  }
}
