import type { ActorRef } from "@runtime";

/** Carts are spread over this many shards. */
export const NUMBER_OF_SHARDS = 12;

/** What a cart hears. Every command names its cart, so no envelope is needed. */
export type CartCommand =
  | {
      readonly type: "AddItem";
      readonly cartId: string;
      readonly itemId: string;
      readonly quantity: number;
      readonly replyTo: ActorRef<CartReply>;
    }
  | {
      readonly type: "RemoveItem";
      readonly cartId: string;
      readonly itemId: string;
      readonly replyTo: ActorRef<CartReply>;
    }
  | { readonly type: "GetCart"; readonly cartId: string; readonly replyTo: ActorRef<CartReply> };

/** What a cart stores, in the past tense. */
export type CartEvent =
  | { readonly type: "ItemAdded"; readonly itemId: string; readonly quantity: number }
  | { readonly type: "ItemRemoved"; readonly itemId: string };

/** Item id → quantity. */
export type Items = Readonly<Record<string, number>>;

/** A cart answers with its items, or says why it refused. */
export type CartReply =
  | { readonly ok: true; readonly cartId: string; readonly items: Items }
  | { readonly ok: false; readonly error: string };

/** The journal stream of one cart. */
export const persistenceIdOf = (cartId: string) => `cart-${cartId}`;
