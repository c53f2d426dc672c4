/**
 * The Alibaba Cloud adapter: reads RAM and the ACK cluster's addons ({@link io.hybridcni.aliyun.AliyunObserver}),
 * applies the RAM, AccessKey and addon actions ({@link io.hybridcni.aliyun.AliyunExecutors}) through the Aliyun SDK
 * V2, with bounded retries that never repeat a write whose answer was lost ({@link io.hybridcni.aliyun.Retrier}),
 * an optional call budget per account that every attempt takes from ({@link io.hybridcni.aliyun.AliyunCallLimiter})
 * and credentials that never reach a message.
 */
package io.hybridcni.aliyun;
