//! Text on the canvas, drawn in screen space: the scene's layer is scaled as a whole, so text
//! painted in it would be a glyph bitmap rasterised at the world size and then stretched
//! (blurry when zoomed in, unreadable when out). Labels go to a layer of their own just above
//! the scene's, at the position the scene's transform gives them and a font size in screen
//! pixels, so every glyph is rasterised at the size it is seen.

use eframe::egui::{
    self, Align2, Color32, FontId, LayerId, Painter, Pos2, Rect, emath::TSTransform,
};

pub struct Labels {
    painter: Painter,
    to_screen: TSTransform,
}

impl Labels {
    /// Labels for the scene `ui` draws into (call from inside the scene).
    pub fn new(ui: &egui::Ui) -> Labels {
        let ctx = ui.ctx();
        let scene = ui.layer_id();
        let to_screen = ctx.layer_transform_to_global(scene).unwrap_or_default();
        let layer = LayerId::new(scene.order, scene.id.with("labels"));
        // Beside the scene's layer, under the same parent: drawn right above it (egui keeps
        // one level of sublayers), and under tooltips and menus as the scene is.
        let parent = ctx.memory(|m| m.areas().parent_layer(scene));
        ctx.set_sublayer(parent.unwrap_or(scene), layer);
        let painter = ctx
            .layer_painter(layer)
            .with_clip_rect(to_screen * ui.clip_rect());
        Labels { painter, to_screen }
    }

    /// Screen pixels per world unit.
    pub fn scale(&self) -> f32 {
        self.to_screen.scaling
    }

    /// Labels clipped to `rect` (world coordinates) as well.
    pub fn clipped(&self, rect: Rect) -> Labels {
        let clip = self.painter.clip_rect().intersect(self.to_screen * rect);
        Labels {
            painter: self.painter.with_clip_rect(clip),
            to_screen: self.to_screen,
        }
    }

    /// `text` at `pos` (world), `px` screen pixels high. Returns its rectangle in world units.
    pub fn text(
        &self,
        pos: Pos2,
        anchor: Align2,
        text: impl ToString,
        px: f32,
        color: Color32,
    ) -> Rect {
        let screen = self.painter.text(
            self.to_screen * pos,
            anchor,
            text,
            FontId::proportional(px),
            color,
        );
        self.to_screen.inverse() * screen
    }

    /// `text` at `pos` (world), `px` screen pixels high but no wider than `max_width` world
    /// units (smaller rather than cut, down to 8 px).
    pub fn fitted(
        &self,
        pos: Pos2,
        anchor: Align2,
        text: &str,
        px: f32,
        max_width: f32,
        color: Color32,
    ) {
        let mut px = px;
        let width = self
            .painter
            .layout_no_wrap(text.to_string(), FontId::proportional(px), color)
            .size()
            .x;
        let room = max_width * self.scale();
        if width > room && width > 0.0 {
            px = (px * room / width).max(8.0);
        }
        self.text(pos, anchor, text, px, color);
    }
}
