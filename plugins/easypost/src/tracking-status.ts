import { createHash } from 'node:crypto';
import type { TrackingEvent, TrackingReport, TrackingStatus } from '@cartwright/core';
import type { EasyPostTracker, EasyPostTrackingLocation } from './wire.ts';

/**
 * EasyPost tracker statuses → Cartwright's. Where EasyPost says more than Cartwright has words for,
 * the mapping leans to what keeps the order right: a parcel waiting at a pickup point is not
 * `delivered` (that would capture cash on delivery), and a tracker that could not be read (`error`)
 * says nothing about the parcel, so it is `unknown`, not `failure`.
 */
export const TRACKING_STATUS_OF: Readonly<Record<string, TrackingStatus>> = {
  pre_transit: 'pre_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  available_for_pickup: 'out_for_delivery',
  delivered: 'delivered',
  return_to_sender: 'returned',
  failure: 'failure',
  cancelled: 'failure',
  error: 'unknown',
  unknown: 'unknown',
};

export function trackingStatusOf(easyPostStatus: string | null | undefined): TrackingStatus {
  return (easyPostStatus && TRACKING_STATUS_OF[easyPostStatus]) || 'unknown';
}

/** The EasyPost status a Cartwright status is written as (for the stand-in and tests: the inverse of the mapping, on its first choice). */
export const EASYPOST_STATUS_OF: Readonly<Record<TrackingStatus, string>> = {
  pre_transit: 'pre_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  returned: 'return_to_sender',
  failure: 'failure',
  unknown: 'unknown',
};

function placeOf(location: EasyPostTrackingLocation | null | undefined): string | null {
  if (!location) return null;
  const parts = [location.city, location.state, location.zip, location.country].filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return parts.length ? parts.join(', ') : null;
}

/**
 * A tracker as a report. Tracking details carry no id of their own, so an event's id is a digest of
 * what the carrier said (tracking code, time, status, message): the same detail in a later poll or a
 * repeated webhook gets the same id, and core records it once.
 */
export function reportOf(tracker: EasyPostTracker): TrackingReport {
  const seen = new Map<string, number>();
  const events: TrackingEvent[] = tracker.tracking_details
    .map((detail, index) => ({ detail, index, at: new Date(detail.datetime) }))
    .filter(({ at }) => !Number.isNaN(at.getTime()))
    // oldest first; details at the same instant keep EasyPost's order
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index)
    .map(({ detail, at }) => {
      const digest = createHash('sha256')
        .update([tracker.tracking_code, detail.datetime, detail.status, detail.status_detail ?? '', detail.message ?? ''].join('\u0000'))
        .digest('hex')
        .slice(0, 24);
      // two identical details (a carrier repeating itself) still get two ids
      const occurrence = (seen.get(digest) ?? 0) + 1;
      seen.set(digest, occurrence);
      return {
        id: occurrence === 1 ? `ep_${digest}` : `ep_${digest}_${occurrence}`,
        status: trackingStatusOf(detail.status),
        occurredAt: at,
        description: detail.message ?? detail.description ?? detail.status,
        location: placeOf(detail.tracking_location),
      };
    });
  const estimated = tracker.est_delivery_date ? new Date(tracker.est_delivery_date) : null;
  return {
    trackingNumber: tracker.tracking_code,
    shipmentId: tracker.shipment_id ?? null,
    status: trackingStatusOf(tracker.status),
    events,
    estimatedDeliveryAt: estimated && !Number.isNaN(estimated.getTime()) ? estimated : null,
  };
}
