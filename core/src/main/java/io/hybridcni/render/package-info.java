/**
 * Renderings of a plan and of a network status: text for people ({@link io.hybridcni.render.PlanText}, {@link
 * io.hybridcni.render.StatusText}) and versioned JSON for machines ({@link io.hybridcni.render.PlanJson}, {@link
 * io.hybridcni.render.StatusJson}). Pure functions of their input; the golden files pin every byte.
 */
package io.hybridcni.render;
